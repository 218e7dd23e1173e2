package dev.armory.engine.tokenizer;

import com.hubspot.jinjava.el.TypeConvertingMapELResolver;
import com.hubspot.jinjava.el.ext.JinjavaBeanELResolver;
import com.hubspot.jinjava.el.ext.JinjavaListELResolver;
import com.hubspot.jinjava.lib.exptest.ExpTest;
import com.hubspot.jinjava.lib.filter.Filter;
import com.hubspot.jinjava.objects.SafeString;
import java.beans.FeatureDescriptor;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jinjava.javax.el.ArrayELResolver;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;
import jinjava.javax.el.MethodNotFoundException;

/**
 * The only way a chat template reaches Java objects. A template is data from a model download, so
 * it may read lists, maps and strings and call the Python methods templates use on them, but it
 * never calls arbitrary Java methods: Jinjava's default resolver would let {@code
 * message.content.getBytes()} or any public method of any reachable object run. Jinjava's own
 * objects (filters, tests, {@code loop}) stay reachable, since filters and {@code loop.index} are
 * method and property calls on them; the interpreter and its context are not (they lead to the
 * resource loader and the global context).
 */
final class TemplateSandbox extends ELResolver {
  private static final Set<String> MAP_METHODS = Set.of("items", "keys", "values", "get");
  private static final Set<String> LIST_METHODS = Set.of("index", "count");
  private static final List<String> JINJAVA_PACKAGES =
      List.of(
          "com.hubspot.jinjava.lib.", // filters, tests, functions
          "com.hubspot.jinjava.objects.", // namespace, SafeString, dates
          "com.hubspot.jinjava.util.ForLoop");

  private final CompositeELResolver collections = new CompositeELResolver();
  private final JinjavaBeanELResolver jinjavaObjects = new JinjavaBeanELResolver(true);

  TemplateSandbox() {
    collections.add(new ArrayELResolver(true));
    collections.add(new JinjavaListELResolver(true));
    collections.add(new TypeConvertingMapELResolver(true));
  }

  @Override
  public Object getValue(ELContext context, Object base, Object property) {
    if (base == null) {
      return null;
    }
    if (isCollection(base)) {
      return collections.getValue(context, base, property);
    }
    if (isString(base)) {
      return charAt(context, base.toString(), property);
    }
    if (isJinjavaObject(base)) {
      return jinjavaObjects.getValue(context, base, property);
    }
    return null; // unresolved: the template sees an undefined value, as Jinja does
  }

  @Override
  public Object invoke(
      ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
    if (base == null || method == null) {
      return null;
    }
    String name = method.toString();
    Object[] args = params == null ? new Object[0] : params;
    if (isString(base)) {
      if (!PythonStrings.supports(name)) {
        throw refused("str", name);
      }
      context.setPropertyResolved(true);
      return PythonStrings.call(base.toString(), name, args);
    }
    if (base instanceof Map<?, ?> map) {
      if (!MAP_METHODS.contains(name)) {
        throw refused("dict", name);
      }
      if (name.equals("get") && args.length == 2) {
        context.setPropertyResolved(true);
        return map.containsKey(args[0]) ? map.get(args[0]) : args[1];
      }
      return jinjavaObjects.invoke(context, base, method, paramTypes, params);
    }
    if (base instanceof List<?> || base.getClass().isArray()) {
      if (!LIST_METHODS.contains(name)) {
        throw refused("list", name);
      }
      return jinjavaObjects.invoke(context, base, method, paramTypes, params);
    }
    if (isJinjavaObject(base)) {
      return jinjavaObjects.invoke(context, base, method, paramTypes, params);
    }
    throw refused(base.getClass().getSimpleName(), name);
  }

  /** Python's {@code s[i]}, negative indices counting from the end (Jinjava passes i as text). */
  private static Object charAt(ELContext context, String s, Object property) {
    int i;
    try {
      i = Integer.parseInt(String.valueOf(property));
    } catch (NumberFormatException e) {
      return null; // an attribute of a string: undefined
    }
    int at = i < 0 ? s.length() + i : i;
    context.setPropertyResolved(true);
    return at >= 0 && at < s.length() ? String.valueOf(s.charAt(at)) : null;
  }

  private static MethodNotFoundException refused(String type, String method) {
    return new MethodNotFoundException(
        "'" + type + "' object has no method '" + method + "' available to chat templates");
  }

  @Override
  public Class<?> getType(ELContext context, Object base, Object property) {
    if (base != null && isCollection(base)) {
      return collections.getType(context, base, property);
    }
    return null;
  }

  @Override
  public void setValue(ELContext context, Object base, Object property, Object value) {
    // Read-only, like the immutable sandbox transformers renders templates in: nothing resolved.
  }

  @Override
  public boolean isReadOnly(ELContext context, Object base, Object property) {
    if (base != null) {
      context.setPropertyResolved(true);
    }
    return true;
  }

  @Override
  public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
    return Collections.emptyIterator();
  }

  @Override
  public Class<?> getCommonPropertyType(ELContext context, Object base) {
    return base == null ? null : Object.class;
  }

  private static boolean isCollection(Object base) {
    return base instanceof Map<?, ?> || base instanceof List<?> || base.getClass().isArray();
  }

  private static boolean isString(Object base) {
    return base instanceof String || base instanceof SafeString;
  }

  private static boolean isJinjavaObject(Object base) {
    if (base instanceof Filter || base instanceof ExpTest) {
      return true; // registered filters and tests, ours included
    }
    String name = base.getClass().getName();
    for (String allowed : JINJAVA_PACKAGES) {
      if (name.startsWith(allowed)) {
        return true;
      }
    }
    return false;
  }
}
