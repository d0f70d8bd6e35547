package org.chimp.training.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import org.chimp.jobs.Job;
import org.chimp.jobs.JobState;

/**
 * The answer of {@code GET /tasks/poll/{id}}: CHIMP's {@code {"ready", "successful", "value"}} plus the state and
 * progress. {@code successful} is null until the task is ready; {@code value} is the result once succeeded and
 * the error message once failed or cancelled (CHIMP's originals answered a failure with a 500).
 */
public final class TaskStatusJson {
    private TaskStatusJson() {
    }

    /** The poll answer for a job. */
    public static ObjectNode of(Job job) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode n = f.objectNode();
        boolean ready = job.state().isFinal();
        n.put("ready", ready);
        n.set("successful", ready ? f.booleanNode(job.state() == JobState.SUCCEEDED) : f.nullNode());
        if (job.state() == JobState.SUCCEEDED) {
            n.set("value", job.result() == null ? f.nullNode() : job.result());
        } else if (ready) {
            n.put("value", job.error() != null ? job.error()
                    : job.state() == JobState.CANCELLED ? "The task was cancelled" : "The task failed");
        } else {
            n.putNull("value");
        }
        n.put("state", job.state().name().toLowerCase(Locale.ROOT));
        if (job.progress() == null) {
            n.putNull("progress");
        } else {
            ObjectNode p = n.putObject("progress");
            p.put("fraction", job.progress().fraction());
            p.put("message", job.progress().message());
        }
        return n;
    }
}
