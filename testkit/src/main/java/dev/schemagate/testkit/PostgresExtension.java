package dev.schemagate.testkit;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * Gives a test class the shared PostgreSQL ({@link TestPostgres#shared()}), and each test a
 * superuser connection and a schema of its own, through the class's fields:
 *
 * <pre>
 * &#64;ExtendWith(PostgresExtension.class)
 * class OrdersTest {
 *   static EmbeddedPostgres pg;              // the shared server
 *   Connection admin;                        // superuser, opened before each test, closed after it
 *   &#64;FreshSchema("orders") String schema;   // a schema no other test uses: admin's search_path
 * }
 * </pre>
 *
 * <p>Every field of type {@link EmbeddedPostgres} gets the server, every instance field of type
 * {@link Connection} the test's one admin connection. Every field is optional; they are set before
 * the class's own {@code @BeforeAll}/{@code BeforeEach} methods run, which can add tables.
 * Parameters of type {@link EmbeddedPostgres} and {@link Connection} (the test's admin connection)
 * are resolved as well.
 */
public final class PostgresExtension
    implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {

  /** A String field set to a fresh schema, named {@code value} plus a unique suffix. */
  @Target(ElementType.FIELD)
  @Retention(RetentionPolicy.RUNTIME)
  @Documented
  public @interface FreshSchema {
    /** The schema name's prefix. */
    String value();
  }

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(PostgresExtension.class);
  private static final String CONNECTION = "admin-connection";

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    for (Field field : fields(context.getRequiredTestClass(), EmbeddedPostgres.class)) {
      if (Modifier.isStatic(field.getModifiers())) {
        set(field, null, TestPostgres.shared());
      }
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
      Class<?> type = instance.getClass();
      for (Field field : fields(type, EmbeddedPostgres.class)) {
        if (!Modifier.isStatic(field.getModifiers())) {
          set(field, instance, TestPostgres.shared());
        }
      }
      for (Field field : fields(type, Connection.class)) {
        if (!Modifier.isStatic(field.getModifiers())) {
          set(field, instance, admin(context));
        }
      }
      for (Field field :
          AnnotationSupport.findAnnotatedFields(
              type, FreshSchema.class, f -> true, HierarchyTraversalMode.TOP_DOWN)) {
        if (field.getType() != String.class || Modifier.isStatic(field.getModifiers())) {
          throw new IllegalStateException("@FreshSchema needs an instance String field: " + field);
        }
        String prefix = field.getAnnotation(FreshSchema.class).value();
        set(field, instance, TestPostgres.freshSchema(admin(context), prefix));
      }
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws SQLException {
    Connection connection = context.getStore(NAMESPACE).remove(CONNECTION, Connection.class);
    if (connection != null) {
      connection.close();
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == EmbeddedPostgres.class
        || (type == Connection.class && context.getTestMethod().isPresent());
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    if (parameter.getParameter().getType() == EmbeddedPostgres.class) {
      return TestPostgres.shared();
    }
    try {
      return admin(context);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot connect to the test PostgreSQL", e);
    }
  }

  /** The test's admin connection, opened on first use and closed after the test. */
  private static Connection admin(ExtensionContext context) throws SQLException {
    ExtensionContext.Store store = context.getStore(NAMESPACE);
    Connection connection = store.get(CONNECTION, Connection.class);
    if (connection == null) {
      connection = TestPostgres.admin(TestPostgres.shared());
      store.put(CONNECTION, connection);
    }
    return connection;
  }

  private static List<Field> fields(Class<?> type, Class<?> fieldType) {
    return ReflectionSupport.findFields(
        type, f -> f.getType() == fieldType, HierarchyTraversalMode.TOP_DOWN);
  }

  private static void set(Field field, Object instance, Object value)
      throws IllegalAccessException {
    field.setAccessible(true);
    field.set(instance, value);
  }
}
