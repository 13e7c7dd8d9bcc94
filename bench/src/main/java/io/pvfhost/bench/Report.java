package io.pvfhost.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * What a bench run found: a JSON tree (printed with {@code --json}) and, as it goes, text lines
 * for a person. Every figure carries its unit ({@code {"value": 1.2, "unit": "ms"}}); every ratio
 * carries the two figures it divides ({@code numerator}, {@code denominator}).
 */
final class Report {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    final ObjectNode root = JSON.createObjectNode();
    final ArrayNode targets = JSON.createArrayNode();
    private final PrintWriter text;

    Report(PrintWriter text) {
        this.text = text;
    }

    /** A text line for a person (stdout, or stderr with --json). */
    void say(String format, Object... args) {
        text.println(args.length == 0 ? format : String.format(Locale.ROOT, format, args));
        text.flush();
    }

    ObjectNode section(String name) {
        return root.with(name);
    }

    static ObjectNode figure(double value, String unit) {
        ObjectNode o = JSON.createObjectNode();
        o.put("value", round(value));
        o.put("unit", unit);
        return o;
    }

    /** numerator / denominator, with both figures named. */
    static ObjectNode ratio(String numName, double num, String numUnit, String denName, double den, String denUnit) {
        ObjectNode o = JSON.createObjectNode();
        o.put("value", round(num / den));
        o.put("unit", "x");
        ObjectNode n = o.putObject("numerator");
        n.put("name", numName);
        n.put("value", round(num));
        n.put("unit", numUnit);
        ObjectNode d = o.putObject("denominator");
        d.put("name", denName);
        d.put("value", round(den));
        d.put("unit", denUnit);
        return o;
    }

    /** A target row: what was asked, what was measured (a figure or ratio node), whether it is met. */
    void target(String name, String target, ObjectNode measured, boolean met, String note) {
        ObjectNode t = targets.addObject();
        t.put("name", name);
        t.put("target", target);
        t.set("measured", measured);
        t.put("met", met);
        if (note != null) {
            t.put("note", note);
        }
    }

    static double round(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        double a = Math.abs(v);
        double scale = a >= 100 ? 10 : a >= 1 ? 1000 : 100000;
        return Math.round(v * scale) / scale;
    }

    static String ms(double ms) {
        if (ms >= 1000) {
            return String.format(Locale.ROOT, "%.2f s", ms / 1000);
        }
        if (ms >= 10) {
            return String.format(Locale.ROOT, "%.1f ms", ms);
        }
        return String.format(Locale.ROOT, "%.3f ms", ms);
    }

    static String bytes(long b) {
        if (b >= 1L << 20) {
            return String.format(Locale.ROOT, "%.1f MiB", b / (double) (1L << 20));
        }
        if (b >= 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", b / 1024.0);
        }
        return b + " B";
    }

    static String x(double ratio) {
        return String.format(Locale.ROOT, "%.2fx", ratio);
    }

    String json() {
        ObjectNode out = root.deepCopy();
        out.set("targets", targets);
        try {
            return JSON.writeValueAsString(out);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
