package com.example.chimp;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.param.ParameterSpec;
import org.chimp.api.param.ParameterType;
import org.chimp.training.DatasetSpec;
import org.chimp.training.PluginInfo;
import org.chimp.training.TrainingContext;
import org.chimp.training.TrainingPlugin;
import org.chimp.training.TrainingResult;

/**
 * An example external plugin: counts the images of each label in a FER2013-layout dataset and logs the counts
 * (and the share of the largest label) to the task's tracking run. It registers no model.
 */
public final class LabelCounterPlugin implements TrainingPlugin {
    private static final PluginInfo INFO = new PluginInfo("label-counter", "1.0.0",
            "Counts the images per label of a dataset and logs them as metrics",
            List.of(ParameterSpec.optional("split", ParameterType.STRING, "the split to count: train or test",
                    JsonNodeFactory.instance.textNode("train"))),
            List.of(new DatasetSpec("data", "a dataset in the FER2013 layout", false)),
            null);

    @Override
    public PluginInfo info() {
        return INFO;
    }

    @Override
    public void checkArguments(ObjectNode arguments) {
        String split = arguments.path("split").asText();
        if (!split.equals("train") && !split.equals("test")) {
            throw ClientErrorException.invalid("'split' must be train or test, got '" + split + "'");
        }
    }

    @Override
    public TrainingResult run(TrainingContext ctx) throws IOException {
        Path split = ctx.dataset("data").resolve(ctx.arguments().get("split").asText());
        Map<String, Double> counts = new LinkedHashMap<>();
        if (Files.isDirectory(split)) {
            try (Stream<Path> labels = Files.list(split)) {
                for (Path label : labels.filter(Files::isDirectory).sorted().toList()) {
                    try (Stream<Path> files = Files.list(label)) {
                        counts.put("images_" + label.getFileName(), (double) files.count());
                    }
                    if (ctx.cancelled()) {
                        throw new java.util.concurrent.CancellationException("cancelled");
                    }
                }
            }
        }
        double total = counts.values().stream().mapToDouble(Double::doubleValue).sum();
        counts.put("largest_label_share", total == 0 ? 0 : counts.values().stream().mapToDouble(Double::doubleValue).max().orElse(0) / total);
        counts.forEach((k, v) -> ctx.logMetric(k, v, 0));
        ctx.progress(1, "Counted " + (long) total + " images");
        return new TrainingResult(ctx.runId(), null, null, counts);
    }
}
