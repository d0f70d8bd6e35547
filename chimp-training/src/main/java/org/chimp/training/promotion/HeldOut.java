package org.chimp.training.promotion;

import java.util.ArrayList;
import java.util.List;
import org.chimp.api.Model;
import org.chimp.api.RunContext;
import org.chimp.api.classification.Classification;
import org.chimp.api.image.Image;
import org.chimp.api.image.ImagePreprocessing;
import org.chimp.training.imageclassifier.Examples;

/**
 * Labelled images a trained version and the Production version are both scored on, through the models serving
 * builds, so the comparison is between what would answer requests.
 *
 * @param labels the true label (by name) of each image
 */
public record HeldOut(List<Image> images, List<String> labels) {
    /** Images per batch when scoring: bounds the memory one call takes. */
    private static final int BATCH = 64;

    public HeldOut {
        if (images.size() != labels.size()) {
            throw new IllegalArgumentException(images.size() + " images but " + labels.size() + " labels");
        }
        images = List.copyOf(images);
        labels = List.copyOf(labels);
    }

    /**
     * The held-out images back from their preprocessed rows: exact for a model with the same preprocessing, a
     * resized copy for one with another size.
     *
     * @param labelNames the names of the label indices in {@code examples}
     */
    public static HeldOut of(Examples examples, List<String> labelNames, ImagePreprocessing preprocessing) {
        List<Image> images = new ArrayList<>(examples.size());
        List<String> labels = new ArrayList<>(examples.size());
        int channels = preprocessing.grayscale() ? 1 : 3;
        for (int i = 0; i < examples.size(); i++) {
            float[] row = examples.features()[i];
            float[] pixels = new float[row.length];
            for (int k = 0; k < row.length; k++) {
                pixels[k] = Math.min(1f, Math.max(0f, row[k] * preprocessing.std() + preprocessing.mean()));
            }
            images.add(new Image(preprocessing.width(), preprocessing.height(), channels, pixels));
            labels.add(labelNames.get(examples.targets()[i]));
        }
        return new HeldOut(images, labels);
    }

    /** The number of images. */
    public int size() {
        return images.size();
    }

    /** The fraction of images whose best label is the true one (0 for no images). */
    public double accuracy(Model<Image, Classification> model) {
        int right = 0;
        for (int start = 0; start < images.size(); start += BATCH) {
            List<Image> batch = images.subList(start, Math.min(images.size(), start + BATCH));
            List<Classification> out = model.runBatch(batch, RunContext.defaults());
            for (int i = 0; i < out.size(); i++) {
                right += out.get(i).bestLabel().equals(labels.get(start + i)) ? 1 : 0;
            }
        }
        return images.isEmpty() ? 0 : (double) right / images.size();
    }
}
