package dev.schemagate.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocketFactory;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.sax.SAXTransformerFactory;
import org.postgresql.plugin.AuthenticationPlugin;
import org.postgresql.plugin.AuthenticationRequestType;
import org.postgresql.xml.PGXmlFactoryFactory;
import org.xml.sax.XMLReader;

/**
 * A class a hostile database URL names for pgjdbc to load: it is of every type pgjdbc instantiates
 * from a connection parameter (socket and SSL socket factory, host name verifier, password
 * callback, authentication plugin, connect executor, XML factory factory), so that the driver gets
 * as far as running it. Its static initializer records that it ran; read that with {@link
 * Tripwire#initialized()}, which does not initialize this class. Name it by {@link #NAME}, not by a
 * class literal, and keep every other field of it out of tests: reading one initializes the class.
 * The parameters to try it with are in {@link DriverClassParameters}.
 */
public final class DriverTrap extends SSLSocketFactory
    implements HostnameVerifier,
        CallbackHandler,
        AuthenticationPlugin,
        Executor,
        PGXmlFactoryFactory {

  public static final String NAME = "dev.schemagate.testing.DriverTrap";

  static {
    Tripwire.INITIALIZED.incrementAndGet();
  }

  /** Separate from the trap: reading it does not initialize {@link DriverTrap}. */
  public static final class Tripwire {
    static final AtomicInteger INITIALIZED = new AtomicInteger();

    private Tripwire() {}

    public static boolean initialized() {
      return INITIALIZED.get() > 0;
    }
  }

  public DriverTrap() {}

  public DriverTrap(String argument) {}

  private static IOException sprung() {
    return new IOException("DriverTrap was instantiated by the driver");
  }

  @Override
  public Socket createSocket() throws IOException {
    throw sprung();
  }

  @Override
  public Socket createSocket(String host, int port) throws IOException {
    throw sprung();
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress local, int localPort)
      throws IOException {
    throw sprung();
  }

  @Override
  public Socket createSocket(InetAddress host, int port) throws IOException {
    throw sprung();
  }

  @Override
  public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort)
      throws IOException {
    throw sprung();
  }

  @Override
  public Socket createSocket(Socket s, String host, int port, boolean autoClose)
      throws IOException {
    throw sprung();
  }

  @Override
  public String[] getDefaultCipherSuites() {
    return new String[0];
  }

  @Override
  public String[] getSupportedCipherSuites() {
    return new String[0];
  }

  @Override
  public boolean verify(String hostname, SSLSession session) {
    return false;
  }

  @Override
  public void handle(Callback[] callbacks) {}

  @Override
  public char[] getPassword(AuthenticationRequestType type) {
    return new char[0];
  }

  @Override
  public void execute(Runnable command) {
    command.run();
  }

  @Override
  public DocumentBuilder newDocumentBuilder() {
    throw new UnsupportedOperationException();
  }

  @Override
  public TransformerFactory newTransformerFactory() {
    throw new UnsupportedOperationException();
  }

  @Override
  public SAXTransformerFactory newSAXTransformerFactory() {
    throw new UnsupportedOperationException();
  }

  @Override
  public XMLInputFactory newXMLInputFactory() {
    throw new UnsupportedOperationException();
  }

  @Override
  public XMLOutputFactory newXMLOutputFactory() {
    throw new UnsupportedOperationException();
  }

  @Override
  public XMLReader createXMLReader() {
    throw new UnsupportedOperationException();
  }
}
