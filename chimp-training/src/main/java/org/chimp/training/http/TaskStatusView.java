package org.chimp.training.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Locale;
import org.chimp.jobs.Job;
import org.chimp.jobs.JobState;
import org.chimp.jobs.http.JobView;

/**
 * The answer of {@code GET /tasks/poll/{id}}: CHIMP's {@code {"ready", "successful", "value"}} plus the state and
 * progress. {@code successful} is null until the task is ready; {@code value} is the result once succeeded and
 * the error message once failed or cancelled (CHIMP's originals answered a failure with a 500).
 */
public record TaskStatusView(boolean ready, Boolean successful, JsonNode value, String state, JobView.ProgressView progress) {

    /** The poll answer for a job. */
    public static TaskStatusView of(Job job) {
        boolean ready = job.state().isFinal();
        JsonNode value;
        if (job.state() == JobState.SUCCEEDED) {
            value = job.result();
        } else if (ready) {
            value = TextNode.valueOf(job.error() != null ? job.error()
                    : job.state() == JobState.CANCELLED ? "The task was cancelled" : "The task failed");
        } else {
            value = null;
        }
        return new TaskStatusView(ready, ready ? job.state() == JobState.SUCCEEDED : null, value,
                job.state().name().toLowerCase(Locale.ROOT), JobView.ProgressView.of(job.progress()));
    }
}
