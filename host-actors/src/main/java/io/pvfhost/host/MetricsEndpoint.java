package io.pvfhost.host;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Serves a Prometheus registry at {@code http://HOST:PORT/metrics} in the Prometheus text format,
 * with the JDK's own HTTP server on one thread of its own ({@code pvf-metrics-http}). GET and HEAD
 * only; any other path is 404. {@link #close()} stops the server and its thread.
 */
public final class MetricsEndpoint implements AutoCloseable {
    public static final String PATH = "/metrics";
    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService executor;
    private final URI uri;

    private MetricsEndpoint(HttpServer server, ExecutorService executor, URI uri) {
        this.server = server;
        this.executor = executor;
        this.uri = uri;
    }

    /**
     * Listens on {@code host:port} (port 0: a free one).
     *
     * @throws IOException when the address cannot be bound (in use, not ours, unknown name)
     */
    public static MetricsEndpoint start(PrometheusMeterRegistry registry, String host, int port) throws IOException {
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new IOException("unknown host " + host);
        }
        HttpServer server = HttpServer.create(address, 16);
        ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "pvf-metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext(PATH, exchange -> serve(exchange, registry));
        server.start();
        InetSocketAddress bound = server.getAddress();
        String h = bound.getAddress().getHostAddress();
        URI uri = URI.create("http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + bound.getPort() + PATH);
        return new MetricsEndpoint(server, executor, uri);
    }

    private static void serve(HttpExchange exchange, PrometheusMeterRegistry registry) throws IOException {
        try (exchange) {
            if (!exchange.getRequestURI().getPath().equals(PATH)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Where the metrics are, with the port really bound. */
    public URI uri() {
        return uri;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
