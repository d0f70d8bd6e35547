package org.chimp.server.node;

/**
 * How a process is observed over HTTP.
 *
 * @param metricsToken a token (16 characters or more) that lets a scraper read {@code GET /metrics} and nothing
 *                     else, or null: then only admins (the admin token, an admin's API token or session) may
 * @param accessLog    whether every request gets an access-log line (logger {@code org.chimp.access})
 */
public record ObservabilitySettings(String metricsToken, boolean accessLog) {
    public ObservabilitySettings {
        if (metricsToken != null && metricsToken.length() < 16) {
            throw new IllegalArgumentException("The metrics token must be at least 16 characters");
        }
    }

    /** No scrape token, access log on. */
    public static ObservabilitySettings defaults() {
        return new ObservabilitySettings(null, true);
    }
}
