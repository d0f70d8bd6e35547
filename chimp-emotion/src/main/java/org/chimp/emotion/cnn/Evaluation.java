package org.chimp.emotion.cnn;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * How a model did on a set of images.
 *
 * @param confusion counts, row = true label, column = predicted label, in {@code labels} order
 * @param loss      mean cross-entropy
 */
public record Evaluation(List<String> labels, int[][] confusion, double loss) {
    public Evaluation {
        labels = List.copyOf(labels);
        if (confusion.length != labels.size()) {
            throw new IllegalArgumentException(confusion.length + " confusion rows for " + labels.size() + " labels");
        }
    }

    /** The number of images evaluated. */
    public int count() {
        int n = 0;
        for (int[] row : confusion) {
            for (int c : row) {
                n += c;
            }
        }
        return n;
    }

    /** The fraction predicted right (0 for no images). */
    public double accuracy() {
        int right = 0;
        for (int k = 0; k < confusion.length; k++) {
            right += confusion[k][k];
        }
        int n = count();
        return n == 0 ? 0 : (double) right / n;
    }

    /** Of the images predicted as label {@code k}, the fraction that are {@code k}; 0 if none was predicted so. */
    public double precision(int k) {
        int predicted = 0;
        for (int[] row : confusion) {
            predicted += row[k];
        }
        return predicted == 0 ? 0 : (double) confusion[k][k] / predicted;
    }

    /** Of the images of label {@code k}, the fraction predicted as {@code k}; 0 if there are none. */
    public double recall(int k) {
        int actual = 0;
        for (int c : confusion[k]) {
            actual += c;
        }
        return actual == 0 ? 0 : (double) confusion[k][k] / actual;
    }

    /** {@code {"labels": [...], "matrix": [[...]], "rows": "true label", "columns": "predicted label"}}. */
    public ObjectNode confusionJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        ArrayNode names = json.putArray("labels");
        labels.forEach(names::add);
        json.put("rows", "true label");
        json.put("columns", "predicted label");
        ArrayNode matrix = json.putArray("matrix");
        for (int[] row : confusion) {
            ArrayNode r = matrix.addArray();
            for (int c : row) {
                r.add(c);
            }
        }
        return json;
    }
}
