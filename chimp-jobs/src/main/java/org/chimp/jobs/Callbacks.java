package org.chimp.jobs;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;

/**
 * Submits the callback job for a final outcome, exactly once: its idempotency key is derived from the parent job
 * and the outcome, so however often this runs for one outcome (a redelivered parent, the recovery sweep after a
 * crash) it yields the same callback job. The parent's pending flag, set when its outcome was stored, is cleared
 * only once the callback job is recorded and published; until then the recovery sweep keeps retrying.
 */
final class Callbacks {
    private final JobService jobs;
    private final JobStore store;

    Callbacks(JobService jobs, JobStore store) {
        this.jobs = jobs;
        this.store = store;
    }

    /** Submits the callback for the parent's final outcome if it is pending; throws if that failed. */
    void dispatch(Job parent) {
        if (!parent.callbacks().pending()) {
            return;
        }
        Callback cb = parent.callbacks().forOutcome(parent.state());
        if (cb == null) {
            store.callbackSubmitted(parent.id(), null);
            return;
        }
        String suffix = parent.state() == JobState.SUCCEEDED ? ":on-success" : ":on-failure";
        JobRequest request = JobRequest.of(cb.queue(), cb.type(), payload(cb, parent))
                .withIdempotencyKey(parent.id() + suffix);
        Job child = jobs.submitAndPublish(request);
        store.callbackSubmitted(parent.id(), child.id());
    }

    /** The callback's payload with the parent's id and outcome added. */
    static ObjectNode payload(Callback cb, Job parent) {
        ObjectNode payload = cb.payload() != null && cb.payload().isObject()
                ? ((ObjectNode) cb.payload()).deepCopy() : JsonNodeFactory.instance.objectNode();
        ObjectNode p = payload.putObject(Callback.PARENT_FIELD);
        p.put("id", parent.id());
        p.put("state", parent.state().name().toLowerCase(Locale.ROOT));
        if (parent.state() == JobState.SUCCEEDED) {
            p.set("result", parent.result());
        } else {
            p.put("error", parent.error());
        }
        return payload;
    }
}
