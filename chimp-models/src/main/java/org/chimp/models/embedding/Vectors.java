package org.chimp.models.embedding;

import ai.onnxruntime.OnnxTensor;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/** Reading {@code [N, D]} outputs as vectors and L2-normalizing them, for every embedding architecture. */
final class Vectors {
    private Vectors() {
    }

    /** The n rows of a {@code [N, D]} tensor, normalized if asked. */
    static List<float[]> rows(OnnxTensor tensor, int n, boolean normalize) {
        FloatBuffer buf = tensor.getFloatBuffer();
        int d = buf.remaining() / n;
        List<float[]> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] v = new float[d];
            buf.get(v);
            out.add(normalize ? normalized(v) : v);
        }
        return out;
    }

    /** Scales the vector to length 1 in place (a zero vector stays zero) and returns it. */
    static float[] normalized(float[] v) {
        double norm = 0;
        for (float f : v) {
            norm += (double) f * f;
        }
        double scale = 1.0 / Math.max(Math.sqrt(norm), 1e-12);
        for (int k = 0; k < v.length; k++) {
            v[k] = (float) (v[k] * scale);
        }
        return v;
    }
}
