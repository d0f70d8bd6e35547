package org.chimp.serving.http;

import io.javalin.http.HttpResponseException;
import java.util.Map;
import org.chimp.serving.Lease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one check between a model's scores and a response: FP32 outputs are finite numbers. Inputs are finite
 * (checked when parsed), but a model can still overflow on extreme ones (a logit of 3e38 times a weight is
 * infinite, its softmax NaN), and Jackson would write such a float as the string "NaN". The request was well
 * formed and the server is healthy, yet this model cannot classify this input: 422, naming the model version and
 * the batch item, so the caller can drop or fix that item; the log keeps the scores.
 */
final class Scores {
    private static final Logger LOG = LoggerFactory.getLogger(Scores.class);

    private Scores() {
    }

    static float[][] finite(Lease lease, float[][] rows) {
        for (int i = 0; i < rows.length; i++) {
            for (float v : rows[i]) {
                if (!Float.isFinite(v)) {
                    LOG.warn("Model '{}' version {} gave non-finite scores for batch item {}: {}", lease.version().name(),
                            lease.version().version(), i, java.util.Arrays.toString(rows[i]));
                    throw new HttpResponseException(422, "Model '" + lease.version().name() + "' version "
                            + lease.version().version() + " gave no finite scores for batch item " + i
                            + " (its output overflowed to infinity or NaN): the input is outside what this model can "
                            + "classify; send values in the range it was trained on", Map.of());
                }
            }
        }
        return rows;
    }
}
