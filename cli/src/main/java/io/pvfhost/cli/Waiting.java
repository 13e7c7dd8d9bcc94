package io.pvfhost.cli;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for the host's answer. The host answers every request (at the latest when its own backstop
 * passes), so the wait has no limit of its own. With a progress writer, a line on stderr counts
 * the seconds ("preparing… 3 s"), rewritten in place once a second and erased at the end.
 */
final class Waiting {
    private Waiting() {}

    /** @param progress where the progress line goes, or null for none */
    static <T> T await(CompletionStage<T> answer, PrintWriter progress) throws InterruptedException {
        CompletableFuture<T> f = answer.toCompletableFuture();
        String ellipsis = ellipsis();
        long start = System.nanoTime();
        int shown = 0;
        try {
            while (true) {
                try {
                    return f.get(1, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    if (progress != null) {
                        String line = "preparing" + ellipsis + " " + (System.nanoTime() - start) / 1_000_000_000L + " s";
                        progress.print("\r" + line);
                        progress.flush();
                        shown = Math.max(shown, line.length());
                    }
                }
            }
        } catch (ExecutionException e) {
            // the host turns its failures into outcomes; anything else is a bug
            throw new IllegalStateException("the host failed to answer: " + e.getCause(), e.getCause());
        } finally {
            if (progress != null && shown > 0) {
                progress.print("\r" + " ".repeat(shown) + "\r");
                progress.flush();
            }
        }
    }

    /** "…" where the terminal can show it, else "...". */
    private static String ellipsis() {
        var console = System.console();
        Charset cs = console != null ? console.charset() : Charset.defaultCharset();
        return cs.newEncoder().canEncode('\u2026') ? "\u2026" : "...";
    }
}
