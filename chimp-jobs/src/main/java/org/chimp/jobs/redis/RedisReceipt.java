package org.chimp.jobs.redis;

import java.util.regex.Pattern;

/**
 * Which entry, at which level, delivered to which consumer how many times: enough for the scripts to tell a stale
 * receipt. Encoded as {@code level/count/entryId/consumer}; entry ids and consumer names are checked where a
 * receipt is made, so they cannot hold the separator and a receipt always decodes to what was encoded.
 */
record RedisReceipt(int level, long count, String entryId, String consumer) {
    private static final Pattern ENTRY_ID = Pattern.compile("\\d{1,20}-\\d{1,20}");
    private static final Pattern CONSUMER = Pattern.compile("[A-Za-z0-9._-]{1,100}");
    private static final Pattern ENCODED = Pattern.compile("\\d/\\d{1,19}/[^/]+/[^/]+");

    RedisReceipt {
        if (level < 0 || level >= RedisStreamsBroker.LEVELS) {
            throw new IllegalArgumentException("Receipt level must be 0-" + (RedisStreamsBroker.LEVELS - 1) + ", got " + level);
        }
        if (count < 1) {
            throw new IllegalArgumentException("A delivered entry has been delivered at least once, got " + count);
        }
        if (entryId == null || !ENTRY_ID.matcher(entryId).matches()) {
            throw new IllegalArgumentException("Not a Redis stream entry id: '" + entryId + "'");
        }
        if (consumer == null || !CONSUMER.matcher(consumer).matches()) {
            throw new IllegalArgumentException("Not a consumer name: '" + consumer + "'");
        }
    }

    /** The form a {@link org.chimp.jobs.broker.Delivery} carries. */
    String encode() {
        return level + "/" + count + "/" + entryId + "/" + consumer;
    }

    /** @throws IllegalArgumentException if {@code s} is not a receipt this broker made */
    static RedisReceipt decode(String s) {
        if (s == null || s.length() > 200 || !ENCODED.matcher(s).matches()) {
            throw new IllegalArgumentException("Not a Redis broker receipt: '" + s + "'");
        }
        String[] p = s.split("/", 4);
        return new RedisReceipt(Integer.parseInt(p[0]), Long.parseLong(p[1]), p[2], p[3]);
    }
}
