package ballast.wire;

import java.lang.reflect.Array;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Content equality for wire messages: records component by component, arrays element by element
 * (a record holding an array compares by identity), lists element by element, anything else
 * (strings, enums, boxed numbers, actor references) by {@code equals}.
 */
final class WireEquality {
    private WireEquality() {
    }

    /** The paths at which {@code actual} differs from {@code expected}; empty when equal. */
    static List<String> differences(Object actual, Object expected) {
        List<String> out = new ArrayList<>();
        compare("$", actual, expected, out);
        return out;
    }

    private static void compare(String path, Object a, Object e, List<String> out) {
        // A tick's work is its counted streams, whatever the buffers hold past them.
        if (a instanceof ballast.abi.TickWork w) {
            a = w.exact();
        }
        if (e instanceof ballast.abi.TickWork w) {
            e = w.exact();
        }
        if (a == null || e == null) {
            if (a != e) {
                out.add(path + ": " + a + " != " + e);
            }
            return;
        }
        if (e instanceof List<?> el) {
            if (!(a instanceof List<?> al)) {
                out.add(path + ": " + a.getClass().getName() + " is not a List");
                return;
            }
            if (al.size() != el.size()) {
                out.add(path + ": size " + al.size() + " != " + el.size());
                return;
            }
            for (int i = 0; i < el.size(); i++) {
                compare(path + "[" + i + "]", al.get(i), el.get(i), out);
            }
            return;
        }
        if (a.getClass() != e.getClass()) {
            out.add(path + ": " + a.getClass().getName() + " != " + e.getClass().getName());
            return;
        }
        if (e.getClass().isArray()) {
            int n = Array.getLength(e);
            if (Array.getLength(a) != n) {
                out.add(path + ": length " + Array.getLength(a) + " != " + n);
                return;
            }
            for (int i = 0; i < n; i++) {
                compare(path + "[" + i + "]", Array.get(a, i), Array.get(e, i), out);
            }
            return;
        }
        if (e.getClass().isRecord()) {
            for (RecordComponent c : e.getClass().getRecordComponents()) {
                try {
                    compare(path + "." + c.getName(), c.getAccessor().invoke(a), c.getAccessor().invoke(e), out);
                } catch (IllegalAccessException | InvocationTargetException ex) {
                    throw new AssertionError("cannot read " + path + "." + c.getName(), ex);
                }
            }
            return;
        }
        if (!Objects.equals(a, e)) {
            out.add(path + ": " + a + " != " + e);
        }
    }

    /** Every class reachable from {@code root} through record components, list elements and arrays. */
    static void classesIn(Object root, java.util.Set<Class<?>> into) {
        if (root == null) {
            return;
        }
        into.add(root.getClass());
        if (root instanceof List<?> list) {
            for (Object o : list) {
                classesIn(o, into);
            }
        } else if (root.getClass().isArray() && !root.getClass().getComponentType().isPrimitive()) {
            for (int i = 0; i < Array.getLength(root); i++) {
                classesIn(Array.get(root, i), into);
            }
        } else if (root.getClass().isRecord()) {
            for (RecordComponent c : root.getClass().getRecordComponents()) {
                try {
                    classesIn(c.getAccessor().invoke(root), into);
                } catch (IllegalAccessException | InvocationTargetException ex) {
                    throw new AssertionError(ex);
                }
            }
        }
    }
}
