package io.pvfhost.cli;

/**
 * The command line cannot be carried out as given: a missing or unreadable file, params that are
 * not SCALE {@code ValidationParams}, a bad setting. Reported as one line on stderr, exit status 64.
 */
final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
