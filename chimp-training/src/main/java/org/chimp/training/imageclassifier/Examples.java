package org.chimp.training.imageclassifier;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Feature vectors with their label indices.
 *
 * @param features one preprocessed image per row, all of the same length
 * @param targets  the label index of each row
 */
public record Examples(float[][] features, int[] targets) {
    public Examples {
        if (features.length != targets.length) {
            throw new IllegalArgumentException(features.length + " feature rows but " + targets.length + " targets");
        }
    }

    /** The number of examples. */
    public int size() {
        return targets.length;
    }

    /** The rows at the given positions, in that order. */
    public Examples select(List<Integer> rows) {
        float[][] x = new float[rows.size()][];
        int[] y = new int[rows.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = features[rows.get(i)];
            y[i] = targets[rows.get(i)];
        }
        return new Examples(x, y);
    }

    /**
     * Splits off about {@code fraction} of every label's examples, chosen with the seed, so that each label is held
     * out in proportion (at least one example of every label that has two or more).
     */
    public Split stratifiedSplit(double fraction, long seed, int labelCount) {
        List<List<Integer>> byLabel = new ArrayList<>();
        for (int k = 0; k < labelCount; k++) {
            byLabel.add(new ArrayList<>());
        }
        for (int i = 0; i < targets.length; i++) {
            byLabel.get(targets[i]).add(i);
        }
        Random rnd = new Random(seed);
        List<Integer> kept = new ArrayList<>();
        List<Integer> held = new ArrayList<>();
        for (List<Integer> rows : byLabel) {
            Collections.shuffle(rows, rnd);
            int n = rows.size() < 2 ? 0 : Math.max(1, (int) Math.round(rows.size() * fraction));
            held.addAll(rows.subList(0, n));
            kept.addAll(rows.subList(n, rows.size()));
        }
        return new Split(select(kept), select(held));
    }

    /** Training rows and held-out rows. */
    public record Split(Examples train, Examples heldOut) {
    }
}
