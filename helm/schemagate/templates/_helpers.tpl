{{/* Release-scoped names and labels. */}}
{{- define "schemagate.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "schemagate.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else if contains (include "schemagate.name" .) .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name (include "schemagate.name" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "schemagate.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "schemagate.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "schemagate.selectorLabels" -}}
app.kubernetes.io/name: {{ include "schemagate.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "schemagate.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "schemagate.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: schemagate
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "schemagate.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* Leader election: the explicit value, else on when more than one replica runs. */}}
{{- define "schemagate.leaderElection" -}}
{{- if kindIs "invalid" .Values.leaderElection.enabled -}}
{{- gt (int .Values.replicaCount) 1 -}}
{{- else -}}
{{- .Values.leaderElection.enabled -}}
{{- end -}}
{{- end -}}

{{/*
What the operator does in a watched namespace, and nothing more. Each rule is used by the
operator; a test records every request it sends and fails if one is not covered, and lists
rules it never used.
*/}}
{{- define "schemagate.workloadRules" -}}
# Read AppDeployments (informer) and write their status; never their spec. Patch only to put
# schemagate's finalizer on while a migration Job runs and take it off after (a deletion then waits
# for the Job instead of killing it); the admission guard refuses any other change.
- apiGroups: ["schemagate.dev"]
  resources: ["appdeployments"]
  verbs: ["list", "watch", "patch"]
- apiGroups: ["schemagate.dev"]
  resources: ["appdeployments/status"]
  verbs: ["update"]
# Migration Jobs: created once per revision, watched, read back when the cache has not caught up
# with a Job just created, old ones deleted (jobsToKeep).
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["get", "list", "watch", "create", "delete"]
# Migration pods: watched to explain failures; their log tail is read once per failure.
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list", "watch"]
- apiGroups: [""]
  resources: ["pods/log"]
  verbs: ["get"]
# Component Deployments and Services: watched; one of the component's name that the cache lacks
# is read by name (is it someone else's?); deleted when their component leaves spec.components,
# and then only if this AppDeployment owns them.
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch", "create", "update", "delete"]
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "list", "watch", "create", "update", "delete"]
# Referenced Secrets (database and Redis URLs) and Flyway ConfigMaps: read one by one, by name,
# at each reconcile; never listed or watched, never written.
- apiGroups: [""]
  resources: ["secrets", "configmaps"]
  verbs: ["get"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end -}}

{{/* The restricted Pod Security Standard, for the operator's pod and container. */}}
{{- define "schemagate.podSecurityContext" -}}
{{- $base := dict "runAsNonRoot" true "runAsUser" 10001 "runAsGroup" 10001 "fsGroup" 10001 "seccompProfile" (dict "type" "RuntimeDefault") -}}
{{- toYaml (mergeOverwrite $base .Values.podSecurityContext) -}}
{{- end -}}

{{- define "schemagate.containerSecurityContext" -}}
{{- $base := dict "allowPrivilegeEscalation" false "readOnlyRootFilesystem" true "runAsNonRoot" true "capabilities" (dict "drop" (list "ALL")) "seccompProfile" (dict "type" "RuntimeDefault") -}}
{{- toYaml (mergeOverwrite $base .Values.securityContext) -}}
{{- end -}}
