package org.chimp.jobs.redis;

import java.util.ArrayList;
import java.util.List;

/**
 * The reply of {@code receive.lua}, decoded in one place: the script's layout is
 * {@code {count, millisUntilNextDelayedIsDue, {cursor per stream}, then per entry: streamIndex (1-based),
 * entryId, jobId, priorDeliveries, pendingCount}}. A reply of another shape (a script and a broker of different
 * versions) fails here with a message that says which part was wrong, not as a cast error further on.
 *
 * @param nextDueMillis when the next delayed message is due, -1 for none or not looked
 * @param cursors       the XAUTOCLAIM cursor of each stream, in the order of the keys passed
 * @param entries       most urgent first
 */
record ReceiveReply(long nextDueMillis, List<String> cursors, List<Entry> entries) {
    private static final int HEADER = 3;
    private static final int ENTRY_FIELDS = 5;

    /**
     * One entry received.
     *
     * @param stream       index into the keys passed, from 0
     * @param prior        deliveries before the message was last published again (a release adds them up)
     * @param pendingCount Redis's delivery count of this entry, this delivery included
     */
    record Entry(int stream, String entryId, String jobId, long prior, long pendingCount) {
        /** How many times the job's message has been delivered, this one included. */
        int deliveryCount() {
            return (int) Math.min(Integer.MAX_VALUE, prior + pendingCount);
        }
    }

    ReceiveReply {
        cursors = List.copyOf(cursors);
        entries = List.copyOf(entries);
    }

    /**
     * @param reply   the script's reply as Lettuce returns a MULTI reply
     * @param streams how many stream keys were passed
     * @throws IllegalStateException if the reply does not have the script's layout
     */
    static ReceiveReply decode(List<?> reply, int streams) {
        if (reply == null || reply.size() < HEADER) {
            throw malformed("fewer than " + HEADER + " elements", reply);
        }
        long n = number(reply.get(0), "count");
        if (n < 0 || reply.size() != HEADER + ENTRY_FIELDS * n) {
            throw malformed("count " + n + " does not match " + reply.size() + " elements", reply);
        }
        if (!(reply.get(2) instanceof List<?> c) || c.size() != streams) {
            throw malformed("cursors are not a list of " + streams, reply);
        }
        List<String> cursors = c.stream().map(String::valueOf).toList();
        List<Entry> entries = new ArrayList<>((int) n);
        for (int e = HEADER; e < reply.size(); e += ENTRY_FIELDS) {
            long stream = number(reply.get(e), "stream index");
            if (stream < 1 || stream > streams) {
                throw malformed("stream index " + stream + " out of 1-" + streams, reply);
            }
            entries.add(new Entry((int) stream - 1, text(reply.get(e + 1), "entry id", reply),
                    text(reply.get(e + 2), "job id", reply), number(reply.get(e + 3), "prior deliveries"),
                    number(reply.get(e + 4), "pending count")));
        }
        return new ReceiveReply(number(reply.get(1), "next due"), cursors, entries);
    }

    private static long number(Object o, String what) {
        if (o instanceof Number num) {
            return num.longValue();
        }
        try {
            return Long.parseLong(String.valueOf(o));
        } catch (NumberFormatException e) {
            throw new IllegalStateException("receive.lua replied with a " + what + " that is not a number: '" + o + "'");
        }
    }

    private static String text(Object o, String what, List<?> reply) {
        if (!(o instanceof String s) || s.isEmpty()) {
            throw malformed(what + " is not a string: '" + o + "'", reply);
        }
        return s;
    }

    private static IllegalStateException malformed(String what, List<?> reply) {
        String shown = String.valueOf(reply);
        return new IllegalStateException("Unexpected reply from receive.lua (" + what + "): "
                + (shown.length() > 200 ? shown.substring(0, 200) + "..." : shown));
    }
}
