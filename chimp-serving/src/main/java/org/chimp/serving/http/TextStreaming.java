package org.chimp.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.chimp.api.Model;
import org.chimp.api.RunContext;
import org.chimp.api.Tasks;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.generation.Generation;
import org.chimp.api.generation.GenerationRequest;
import org.chimp.api.generation.TextStreamer;
import org.chimp.http.Json;
import org.chimp.http.Requests;
import org.chimp.serving.Deployments;
import org.chimp.serving.Lease;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /model/{name}/generate?stage=...&id=...}: a text-generation model's text as Server-Sent Events while it
 * is generated. The body is the {@code /infer} body with one generation input; each piece of text is an event
 * {@code data: {"token": "..."}}, and the last one is {@code event: done} with the body {@code /infer} would have
 * answered. Works for any model that implements chimp-api's {@link TextStreamer}. Mistakes found before the first
 * event are the usual JSON 4xx; a client that goes away cancels the generation (its next event cannot be written,
 * and the run's cancel flag stops the model at its next token).
 */
final class TextStreaming {
    private static final Logger LOG = LoggerFactory.getLogger(TextStreaming.class);
    private final Deployments deployments;

    TextStreaming(Deployments deployments) {
        this.deployments = deployments;
    }

    void generate(Context ctx) {
        try (Lease lease = deployments.get(ctx.pathParam("name"), ChimpInference.stage(ctx.queryParam("stage")), ChimpInference.user(ctx))) {
            Model<GenerationRequest, Generation> model = lease.model(Tasks.TEXT_GENERATION);
            if (!(model instanceof TextStreamer streamer)) {
                throw ClientErrorException.invalid("Model '" + lease.version().name() + "' (architecture '"
                        + lease.version().config().architecture() + "') cannot stream its text; use POST /model/{name}/infer");
            }
            GenerationRequest input = input(Requests.jsonBody(ctx));
            Events events = new Events(ctx);
            RunContext run = new RunContext(RunContext.defaults().seed(), RunContext.defaults().device(), events.gone::get);
            Generation result;
            try {
                result = lease.timed(() -> streamer.generate(input, run, events::token));
            } catch (ClientErrorException e) {
                // The model refused the input (a prompt longer than its context): a plain 4xx unless events went out.
                if (!events.started()) {
                    throw e;
                }
                events.send("error", Json.MAPPER.createObjectNode().put("status-code", e.status()).put("message", e.getMessage()));
                return;
            } catch (RuntimeException e) {
                // After the 200 went out, the failure can only be told in the stream; the log keeps the details.
                if (!events.started()) {
                    throw e;
                }
                LOG.error("Streaming generation of model '{}' failed", lease.version().name(), e);
                events.send("error", Json.MAPPER.createObjectNode().put("status-code", 500)
                        .put("message", "The generation failed; the server log has the details"));
                return;
            }
            if (result.finishReason() == Generation.FinishReason.CANCELLED && events.gone.get()) {
                LOG.debug("Generation for model '{}' cancelled: the client went away", lease.version().name());
                return;
            }
            ObjectNode done = Json.MAPPER.createObjectNode();
            done.set("metadata", ChimpInference.metadata(lease));
            Tasks.TEXT_GENERATION.output().writePredictions(done, Outputs.sendable(lease, Tasks.TEXT_GENERATION.output(), List.of(result)),
                    false, Signatures.outputName(lease.served()));
            events.send("done", done);
        }
    }

    private static GenerationRequest input(JsonNode body) {
        JsonNode inputs = body.get("inputs");
        if (!body.isObject() || inputs == null || inputs.isNull() || inputs.isArray()) {
            throw ClientErrorException.invalid("The body must be {\"inputs\": {\"prompt\": \"...\", \"max_tokens\": n, ...}} "
                    + "(or a prompt string): one generation per stream");
        }
        return Tasks.TEXT_GENERATION.input().fromJson(inputs);
    }

    /** The event stream of one response; the first event commits the 200 and the headers. */
    private static final class Events {
        private final Context ctx;
        private final AtomicBoolean gone = new AtomicBoolean();
        private OutputStream out;

        Events(Context ctx) {
            this.ctx = ctx;
        }

        boolean started() {
            return out != null;
        }

        void token(String text) {
            send(null, Json.MAPPER.createObjectNode().put("token", text));
        }

        void send(String event, JsonNode data) {
            if (gone.get()) {
                return;
            }
            // JSON has no raw line breaks, so every event is one "data:" line.
            String frame = (event == null ? "" : "event: " + event + "\n") + "data: " + data + "\n\n";
            try {
                if (out == null) {
                    ctx.status(200);
                    ctx.res().setContentType("text/event-stream;charset=utf-8");
                    ctx.res().setHeader("Cache-Control", "no-cache");
                    ctx.res().setHeader("X-Accel-Buffering", "no");
                    out = ctx.res().getOutputStream();
                }
                out.write(frame.getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                gone.set(true);
            }
        }
    }
}
