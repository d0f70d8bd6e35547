package org.chimp.serving.http;

import io.javalin.http.HttpResponseException;
import java.util.List;
import java.util.Map;
import org.chimp.api.DataType;
import org.chimp.serving.Lease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one check between a model's outputs and a response: the task's output type says whether each can be sent
 * (classification: finite scores, which Jackson would otherwise write as the string "NaN"). The request was well
 * formed and the server is healthy, yet this model cannot answer for this input: 422, naming the model version and
 * the batch item, so the caller can drop or fix that item; the log keeps the output.
 */
final class Outputs {
    private static final Logger LOG = LoggerFactory.getLogger(Outputs.class);

    private Outputs() {
    }

    static <O> List<O> sendable(Lease lease, DataType<O> type, List<O> outputs) {
        for (int i = 0; i < outputs.size(); i++) {
            String problem = type.unsendable(outputs.get(i));
            if (problem != null) {
                LOG.warn("Model '{}' version {} {} for batch item {}: {}", lease.version().name(), lease.version().version(),
                        problem, i, type.toJson(outputs.get(i)));
                throw new HttpResponseException(422, "Model '" + lease.version().name() + "' version "
                        + lease.version().version() + " " + problem + " for batch item " + i + ": the input is outside "
                        + "what this model can answer; send values in the range it was trained on", Map.of());
            }
        }
        return outputs;
    }
}
