package org.chimp.serving.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import org.chimp.api.tensor.Tensor;
import org.chimp.api.tensor.TensorData;
import org.chimp.http.Json;

/**
 * A request's tensor as rows ({@code [1, ...]} each) and rows of several requests as one tensor, so dynamic batching
 * can run preprocessed tensors of different requests in one model call. Values are not parsed again: numbers are
 * copied as arrays, JSON values moved as node references.
 */
final class TensorRows {
    private TensorRows() {
    }

    /** The tensor's N rows; a 400 if its data does not have as many values as its shape says. */
    static List<Tensor> split(Tensor t) {
        List<JsonNode> values = t.values();
        int n = t.batch();
        int per = values.size() / n;
        long[] shape = t.shape().clone();
        shape[0] = 1;
        List<Tensor> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (t.data() instanceof TensorData.Numbers numbers) {
                rows.add(Tensor.of(t.name(), t.datatype(), shape, numbers.slice(i * per, (i + 1) * per)));
            } else {
                ArrayNode data = Json.MAPPER.createArrayNode();
                data.addAll(values.subList(i * per, (i + 1) * per));
                rows.add(Tensor.of(t.name(), t.datatype(), shape, data));
            }
        }
        return rows;
    }

    /** Rows (of one name, datatype and row shape) as one tensor of N = the number of rows. */
    static Tensor join(List<Tensor> rows) {
        Tensor first = rows.get(0);
        for (Tensor r : rows) {
            if (!Arrays.equals(Arrays.copyOfRange(r.shape(), 1, r.rank()), Arrays.copyOfRange(first.shape(), 1, first.rank()))
                    || !r.datatype().equals(first.datatype())) {
                throw first.invalid("requests batched together have different row shapes or datatypes");
            }
        }
        long[] shape = first.shape().clone();
        shape[0] = rows.size();
        if (rows.stream().allMatch(r -> r.data() instanceof TensorData.Numbers)) {
            return Tensor.of(first.name(), first.datatype(), shape, concat(rows));
        }
        ArrayNode data = Json.MAPPER.createArrayNode();
        for (Tensor r : rows) {
            data.addAll(r.values());
        }
        return Tensor.of(first.name(), first.datatype(), shape, data);
    }

    private static TensorData.Numbers concat(List<Tensor> rows) {
        int size = 0;
        for (Tensor r : rows) {
            size += ((TensorData.Numbers) r.data()).size();
        }
        double[] values = new double[size];
        BitSet whole = new BitSet(size);
        int at = 0;
        for (Tensor r : rows) {
            TensorData.Numbers row = (TensorData.Numbers) r.data();
            System.arraycopy(row.values(), 0, values, at, row.size());
            for (int i = row.whole().nextSetBit(0); i >= 0; i = row.whole().nextSetBit(i + 1)) {
                whole.set(at + i);
            }
            at += row.size();
        }
        return new TensorData.Numbers(values, whole);
    }
}
