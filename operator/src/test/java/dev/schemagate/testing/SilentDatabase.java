package dev.schemagate.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A "database" on 127.0.0.1 that accepts TCP connections and never answers: the shape of a firewall
 * that lets the handshake through, a hung server or a tarpit. A client without a read timeout waits
 * on it forever.
 */
public final class SilentDatabase implements AutoCloseable {

  private final ServerSocket server;
  private final List<Socket> held = new CopyOnWriteArrayList<>();
  private final Thread acceptor;

  public SilentDatabase() {
    try {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    acceptor = new Thread(this::acceptForever, "silent-database-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  private void acceptForever() {
    while (!server.isClosed()) {
      try {
        held.add(server.accept());
      } catch (IOException e) {
        return;
      }
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Connections accepted so far (each is held open, unanswered, until {@link #close()}). */
  public int accepted() {
    return held.size();
  }

  @Override
  public void close() {
    try {
      server.close();
      for (Socket s : held) {
        s.close();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
