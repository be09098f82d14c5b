package dev.schemagate.schema;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Wraps a real connection and only writes down every statement created on it; the real connection
 * does all the work. Proves how many statements the verifier sends.
 */
final class StatementCounter implements InvocationHandler {

  private static final Set<String> STATEMENT_FACTORIES =
      Set.of("prepareStatement", "createStatement", "prepareCall");

  private final Connection real;
  private final List<String> statements = new ArrayList<>();

  private StatementCounter(Connection real) {
    this.real = real;
  }

  static StatementCounter around(Connection real) {
    return new StatementCounter(real);
  }

  Connection connection() {
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, this);
  }

  /** The SQL of each prepared statement, or {@code <createStatement>} for plain ones. */
  List<String> statements() {
    return List.copyOf(statements);
  }

  @Override
  public Object invoke(Object proxy, java.lang.reflect.Method method, Object[] args)
      throws Throwable {
    if (STATEMENT_FACTORIES.contains(method.getName())) {
      statements.add(
          args != null && args.length > 0 && args[0] instanceof String sql
              ? sql
              : "<" + method.getName() + ">");
    }
    try {
      return method.invoke(real, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
