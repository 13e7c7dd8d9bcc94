package io.pvfhost.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Samples of one measurement, in nanoseconds, kept in an HdrHistogram (3 significant digits, up
 * to one hour). Printed and reported in milliseconds: p50, p99, max, mean and the sample count.
 */
final class Stats {
    private static final long HIGHEST = 3_600_000_000_000L;
    private final Histogram histogram = new Histogram(1, HIGHEST, 3);

    static Stats of(long[] nanos) {
        Stats s = new Stats();
        for (long n : nanos) {
            s.add(n);
        }
        return s;
    }

    static Stats of(List<Long> nanos) {
        Stats s = new Stats();
        nanos.forEach(s::add);
        return s;
    }

    synchronized void add(long nanos) {
        histogram.recordValue(Math.max(1, Math.min(nanos, HIGHEST)));
    }

    synchronized long count() {
        return histogram.getTotalCount();
    }

    synchronized double p50Ms() {
        return ms(histogram.getValueAtPercentile(50));
    }

    synchronized double p99Ms() {
        return ms(histogram.getValueAtPercentile(99));
    }

    synchronized double maxMs() {
        return ms(histogram.getMaxValue());
    }

    synchronized double minMs() {
        return ms(histogram.getMinValue());
    }

    synchronized double meanMs() {
        return histogram.getMean() / 1e6;
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    /** {"unit":"ms","count":n,"p50":..,"p99":..,"max":..,"mean":..,"min":..} */
    ObjectNode json() {
        ObjectNode o = Report.JSON.createObjectNode();
        o.put("unit", "ms");
        o.put("count", count());
        o.put("p50", Report.round(p50Ms()));
        o.put("p99", Report.round(p99Ms()));
        o.put("max", Report.round(maxMs()));
        o.put("mean", Report.round(meanMs()));
        o.put("min", Report.round(minMs()));
        return o;
    }

    /** "p50 1.234 ms, p99 2.345 ms, max 3.456 ms (n=100)" */
    String text() {
        return String.format("p50 %s, p99 %s, max %s (n=%d)", Report.ms(p50Ms()), Report.ms(p99Ms()), Report.ms(maxMs()), count());
    }
}
