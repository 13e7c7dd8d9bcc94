package io.pvfhost.host;

import io.pvfhost.artifacts.ArtifactId;
import java.util.Map;

/**
 * The SLF4J MDC keys of the host's per-request log lines: which code and what kind of request
 * ({@code backing}, {@code backing_system_paras}, {@code approval}, {@code dispute},
 * {@code precheck}, {@code heads-up}, or {@code prepare} for a preparation, which may serve several
 * requests). The actors set them with {@code Behaviors.withMdc}, from the message being handled;
 * Akka clears the MDC after each message. Show them in a Logback pattern with
 * {@code %X{codeHash}} and {@code %X{requestKind}}.
 */
public final class LogContext {
    public static final String CODE_HASH = "codeHash";
    public static final String REQUEST_KIND = "requestKind";
    public static final String PRECHECK = "precheck";
    public static final String HEADS_UP = "heads-up";
    public static final String PREPARE = "prepare";

    private LogContext() {}

    public static Map<String, String> of(ArtifactId id, String requestKind) {
        return Map.of(CODE_HASH, id.codeHashHex(), REQUEST_KIND, requestKind);
    }

    public static Map<String, String> of(ArtifactId id, ExecKind kind) {
        return of(id, kind.label());
    }
}
