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
        return JointEmbeddings.cosine(vectors.get(i), vectors.get(j));
    }
}
