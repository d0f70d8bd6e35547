package org.chimp.api.classification;

import java.util.List;

/**
 * A probability for each label, in the model's label order.
 */
public record Classification(List<String> labels, float[] probabilities) {
    public Classification {
        labels = List.copyOf(labels);
        if (labels.isEmpty()) {
            throw new IllegalArgumentException("a classification needs at least one label");
        }
        if (labels.size() != probabilities.length) {
            throw new IllegalArgumentException(labels.size() + " labels but " + probabilities.length + " probabilities");
        }
    }

    /** The index of the most probable label. */
    public int best() {
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        return best;
    }

    /** The most probable label. */
    public String bestLabel() {
        return labels.get(best());
    }
}
