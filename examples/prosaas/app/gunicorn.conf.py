# Read by gunicorn from its working directory (/app).
# The pod's root filesystem is read-only: worker heartbeat files go to the tmpfs at /dev/shm.
worker_tmp_dir = "/dev/shm"
workers = 2
accesslog = "-"
# The readiness probe hits /healthz every few seconds: keep those out of the access log.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(L)ss'
