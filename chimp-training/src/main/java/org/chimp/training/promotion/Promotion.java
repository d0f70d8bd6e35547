package org.chimp.training.promotion;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.chimp.api.Model;
import org.chimp.api.classification.Classification;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.image.Image;
import org.chimp.api.param.ParameterSpec;
import org.chimp.api.param.ParameterType;
import org.chimp.training.ModelInfo;
import org.chimp.training.TrainingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code promote} argument of training plugins: {@code none} registers only, {@code staging} moves the new
 * version to Staging, {@code auto} scores the new version and the current Production version on the same held-out
 * images in the same run and moves the new one to Production only if its accuracy is at least Production's plus
 * {@code promotion_margin}. The decision and both scores become version tags ({@value #DECISION_TAG} =
 * {@code promoted} / {@code kept}, {@value #REASON_TAG}, ...).
 */
public enum Promotion {
    NONE, STAGING, AUTO;

    public static final String DECISION_TAG = "chimp.promotion.decision";
    public static final String REASON_TAG = "chimp.promotion.reason";
    public static final String CANDIDATE_TAG = "chimp.promotion.candidate_accuracy";
    public static final String PRODUCTION_TAG = "chimp.promotion.production_accuracy";
    public static final String PRODUCTION_VERSION_TAG = "chimp.promotion.production_version";
    public static final String MARGIN_TAG = "chimp.promotion.margin";

    private static final Logger LOG = LoggerFactory.getLogger(Promotion.class);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** The two arguments a plugin declares to offer promotion. */
    public static List<ParameterSpec> arguments() {
        return List.of(
                ParameterSpec.optional("promote", ParameterType.STRING,
                        "none: register only; staging: also move the new version to Staging; auto: move it to Production "
                                + "if its held-out accuracy is at least the Production version's plus promotion_margin "
                                + "(both scored on the same images)", JSON.textNode("none")),
                ParameterSpec.optional("promotion_margin", ParameterType.NUMBER,
                        "with promote=auto, how much more accurate than Production the new version must be", JSON.numberNode(0.0))
                        .between(-1.0, 1.0));
    }

    /** The policy named by the {@code promote} argument; a 400 listing the choices otherwise. */
    public static Promotion of(ObjectNode arguments) {
        String text = arguments.path("promote").asText("none");
        for (Promotion p : values()) {
            if (p.name().equalsIgnoreCase(text)) {
                return p;
            }
        }
        throw ClientErrorException.invalid("'promote' must be one of none, staging, auto; got '"
                + (text.length() > 40 ? text.substring(0, 40) + "…" : text) + "'");
    }

    /**
     * The decision for a candidate scoring {@code candidate} when Production scores {@code production} (empty:
     * there is no Production version to beat).
     */
    public static Decision decide(double candidate, Optional<Double> production, double margin) {
        if (production.isEmpty()) {
            return new Decision(true, "there was no Production version");
        }
        double needed = production.get() + margin;
        // Accuracies are fractions of the same count: a rounding error in the sum must not decide.
        boolean enough = candidate >= needed - 1e-9;
        String scores = String.format(Locale.ROOT, "held-out accuracy %.4f %s %.4f (Production %.4f + margin %.4f)",
                candidate, enough ? ">=" : "<", needed, production.get(), margin);
        return new Decision(enough, scores);
    }

    /** Whether the candidate goes to Production, and why. */
    public record Decision(boolean promoted, String reason) {
        public String word() {
            return promoted ? "promoted" : "kept";
        }
    }

    /**
     * Applies the policy to a version just registered. With {@code auto}, both versions are scored on
     * {@code heldOut} through the models serving would build; the scores are logged as run metrics
     * ({@code promotion_candidate_accuracy}, {@code promotion_production_accuracy}). Returns the version as it is now.
     */
    public ModelInfo apply(TrainingContext ctx, ModelInfo version, HeldOut heldOut, double margin) {
        return switch (this) {
            case NONE -> version;
            case STAGING -> ctx.promote(version, "Staging");
            case AUTO -> auto(ctx, version, heldOut, margin);
        };
    }

    private static ModelInfo auto(TrainingContext ctx, ModelInfo version, HeldOut heldOut, double margin) {
        Optional<ModelInfo> production = ctx.productionVersion(version.name());
        if (production.isPresent() && production.get().version() == version.version()) {
            return version; // a retried task whose first attempt promoted it already
        }
        ctx.progress(0.97, "Scoring the new version" + production.map(p -> " and Production version " + p.version()).orElse("")
                + " on " + heldOut.size() + " held-out images");
        double candidate = score(ctx, version, heldOut);
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put(CANDIDATE_TAG, format(candidate));
        tags.put(MARGIN_TAG, format(margin));
        Optional<Double> productionScore = Optional.empty();
        Decision decision;
        if (production.isPresent()) {
            tags.put(PRODUCTION_VERSION_TAG, Integer.toString(production.get().version()));
            try {
                productionScore = Optional.of(score(ctx, production.get(), heldOut));
            } catch (ClientErrorException e) {
                // A Production version that cannot be built is not replaced behind anyone's back.
                LOG.warn("Could not score model '{}' version {} (Production): {}", version.name(), production.get().version(), e.getMessage());
                decision = new Decision(false, "the Production version " + production.get().version()
                        + " could not be scored (" + e.getMessage() + "); promote by hand");
                return finish(ctx, version, tags, decision);
            }
            tags.put(PRODUCTION_TAG, format(productionScore.get()));
            ctx.logMetric("promotion_production_accuracy", productionScore.get(), 0);
        }
        ctx.logMetric("promotion_candidate_accuracy", candidate, 0);
        decision = decide(candidate, productionScore, margin);
        return finish(ctx, version, tags, decision);
    }

    private static double score(TrainingContext ctx, ModelInfo version, HeldOut heldOut) {
        try (Model<Image, Classification> model = ctx.loadClassifier(version)) {
            return heldOut.accuracy(model);
        }
    }

    private static ModelInfo finish(TrainingContext ctx, ModelInfo version, Map<String, String> tags, Decision decision) {
        tags.put(DECISION_TAG, decision.word());
        tags.put(REASON_TAG, decision.reason());
        ctx.tagVersion(version, tags);
        ctx.setTag(DECISION_TAG, decision.word());
        if (decision.promoted()) {
            return ctx.promote(version, "Production");
        }
        return ctx.version(version.name(), version.version());
    }

    private static String format(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }
}
