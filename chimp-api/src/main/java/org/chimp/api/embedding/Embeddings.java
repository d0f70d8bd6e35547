package org.chimp.api.embedding;

import java.util.List;

/** One vector per input text, in input order; all of the same dimension. */
public record Embeddings(List<float[]> vectors) {
    public Embeddings {
        vectors = List.copyOf(vectors);
        for (float[] v : vectors) {
            if (v.length != vectors.get(0).length) {
                throw new IllegalArgumentException("embeddings of different dimensions: " + vectors.get(0).length + " and " + v.length);
            }
        }
    }

    /** The dimension of the vectors (0 when there are none). */
    public int dimension() {
        return vectors.isEmpty() ? 0 : vectors.get(0).length;
    }

    /** The cosine similarity of vectors i and j. */
    public double cosine(int i, int j) {
        float[] a = vectors.get(i);
        float[] b = vectors.get(j);
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
