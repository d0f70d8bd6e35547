package org.chimp.chain.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.List;
import org.chimp.api.Names;
import org.chimp.api.error.ClientErrorException;
import org.chimp.chain.task.ModelRef;
import org.chimp.http.Requests;
import org.chimp.http.Routes;
import org.chimp.store.ArtifactStore;
import org.chimp.chain.ChainService;

/**
 * {@code POST /chain/models} registers a CHIMP model on the oracle; {@code GET /chain/jobs} lists the on-chain jobs
 * with their CHIMP job, state and transactions; {@code GET /blobs/sha256:<hex>} serves stored outputs (public: the
 * URIs fulfilled on chain point there).
 */
public final class ChainRoutes implements Routes {
    public static final String BLOBS = "/blobs/";
    private static final int MAX_PRICE_DIGITS = 78;

    private final ChainService chain;
    private final ArtifactStore artifacts;

    public ChainRoutes(ChainService chain, ArtifactStore artifacts) {
        this.chain = chain;
        this.artifacts = artifacts;
    }

    /** Only the blob endpoint, for processes without a chain (the outputs stay readable). */
    public static Routes blobs(ArtifactStore artifacts) {
        return app -> app.get(BLOBS + "{ref}", ctx -> blob(artifacts, ctx));
    }

    @Override
    public void addTo(Javalin app) {
        blobs(artifacts).addTo(app);
        app.post("/chain/models", this::register);
        app.get("/chain/jobs", this::jobs);
    }

    private static void blob(ArtifactStore artifacts, Context ctx) throws Exception {
        String ref = ctx.pathParam("ref");
        if (!ref.matches("sha256:[0-9a-f]{64}")) {
            throw ClientErrorException.invalid("Blobs are addressed as /blobs/sha256:<64 lowercase hex digits>");
        }
        if (!artifacts.exists(ref)) {
            throw ClientErrorException.notFound("No blob " + ref);
        }
        InputStream in = artifacts.open(ref);
        ctx.contentType("application/octet-stream");
        ctx.header("Cache-Control", "public, max-age=31536000, immutable"); // content-addressed: never changes
        ctx.header("ETag", "\"" + ref + "\"");
        ctx.result(in);
    }

    private void register(Context ctx) throws Exception {
        JsonNode body = Requests.jsonBody(ctx);
        if (!body.isObject()) {
            throw ClientErrorException.invalid("The body must be {\"name\", \"stage\" or \"version\", \"price_wei\"}");
        }
        String name = Names.modelName(text(body, "name"));
        boolean hasStage = body.hasNonNull("stage");
        boolean hasVersion = body.hasNonNull("version");
        if (hasStage == hasVersion) {
            throw ClientErrorException.invalid("Give exactly one of 'stage' (e.g. \"Production\") and 'version' (a number)");
        }
        ModelRef ref;
        if (hasStage) {
            String stage = text(body, "stage");
            if (!stage.equalsIgnoreCase("production") && !stage.equalsIgnoreCase("staging")) {
                throw ClientErrorException.invalid("'stage' must be Production or Staging, got '" + stage + "'");
            }
            ref = ModelRef.stage(name, Character.toUpperCase(stage.charAt(0)) + stage.substring(1).toLowerCase());
        } else {
            JsonNode v = body.get("version");
            if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) {
                throw ClientErrorException.invalid("'version' must be a positive whole number");
            }
            ref = ModelRef.version(name, v.asInt());
        }
        ChainService.Registered registered = chain.registerModel(ref, price(body.get("price_wei")));
        ctx.status(201).json(new RegisteredModel(registered.modelId(), registered.txHash(), ref.uri()));
    }

    private static BigInteger price(JsonNode node) {
        String text = node == null || node.isNull() ? null : node.isIntegralNumber() ? node.bigIntegerValue().toString()
                : node.isTextual() ? node.asText() : null;
        if (text == null || !text.matches("[0-9]{1," + MAX_PRICE_DIGITS + "}")) {
            throw ClientErrorException.invalid("'price_wei' must be a whole number of wei (a number or a string of digits)");
        }
        BigInteger price = new BigInteger(text);
        if (price.bitLength() > 256) {
            throw ClientErrorException.invalid("'price_wei' must fit in 256 bits");
        }
        return price;
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null || !v.isTextual()) {
            throw ClientErrorException.invalid("'" + field + "' must be a string");
        }
        return v.asText();
    }

    private void jobs(Context ctx) {
        int offset = Requests.intQuery(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = Requests.intQuery(ctx, "limit", 100, 1, org.chimp.chain.sequencer.ChainJobs.MAX_LIST);
        ctx.json(new ChainJobs(chain.chainId(), chain.contract(), chain.jobs(offset, limit).stream().map(ChainJobView::of).toList()));
    }

    /** The answer to {@code POST /chain/models}: the model's id on the oracle and where its config is. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record RegisteredModel(BigInteger modelId, String txHash, String configUri) {
    }

    /** The body of {@code GET /chain/jobs}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record ChainJobs(long chainId, String contract, List<ChainJobView> jobs) {
    }
}
