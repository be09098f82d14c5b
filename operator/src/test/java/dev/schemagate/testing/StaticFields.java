package dev.schemagate.testing;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;

/** Hands what a JUnit extension started to the static fields of a test class that ask for it. */
public final class StaticFields {

  private StaticFields() {}

  /**
   * Sets every static, non-final field of {@code testClass} (and its superclasses) whose type is a
   * key of {@code values} to that key's value.
   */
  public static void inject(Class<?> testClass, Map<Class<?>, Object> values)
      throws IllegalAccessException {
    for (Class<?> type = testClass;
        type != null && type != Object.class;
        type = type.getSuperclass()) {
      for (Field field : type.getDeclaredFields()) {
        int modifiers = field.getModifiers();
        if (!Modifier.isStatic(modifiers)
            || Modifier.isFinal(modifiers)
            || !values.containsKey(field.getType())) {
          continue;
        }
        field.setAccessible(true);
        field.set(null, values.get(field.getType()));
      }
    }
  }
}
