package org.chimp.api.embedding;

import java.util.List;

/**
 * Vectors in one space for texts and images (as a CLIP model makes them), in input order: comparing a text's vector
 * with an image's says how well the text describes the image.
 */
public record JointEmbeddings(Embeddings texts, Embeddings images) {
    /** The cosine similarity of every image (rows) with every text (columns). */
    public double[][] similarities() {
        double[][] s = new double[images.vectors().size()][texts.vectors().size()];
        for (int i = 0; i < s.length; i++) {
            for (int t = 0; t < s[i].length; t++) {
                s[i][t] = cosine(images.vectors().get(i), texts.vectors().get(t));
            }
        }
        return s;
    }

    /** For each image, the index of the text that describes it best (zero-shot classification). */
    public List<Integer> bestTextPerImage() {
        return java.util.Arrays.stream(similarities()).map(row -> {
            int best = 0;
            for (int t = 1; t < row.length; t++) {
                best = row[t] > row[best] ? t : best;
            }
            return best;
        }).toList();
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int k = 0; k < a.length; k++) {
            dot += a[k] * b[k];
            na += a[k] * a[k];
            nb += b[k] * b[k];
        }
        return dot / Math.sqrt(na * nb);
    }
}
