package org.chimp.api.generation.image;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.chimp.api.RecordDataType;
import org.chimp.api.tensor.Tensor;
import org.chimp.api.tensor.TensorSpec;

/**
 * The unconditional-image input's forms: JSON (the {@link UnconditionalImageInput} record); an Open Inference Protocol
 * INT64 (or INT32) {@code [N]} tensor of seeds, {@code steps} from its or the request's {@code parameters}; on chain
 * (ModelCategory 1): a UTF-8 JSON object of the JSON form, or no bytes for the model's defaults and the job's seed.
 */
public final class UnconditionalImageInputType extends RecordBackedType<UnconditionalImageInput> {
    private static final int MAX_BYTES_CHARS = 200;

    UnconditionalImageInputType(RecordDataType<UnconditionalImageInput> json) {
        super(json);
    }

    @Override
    public String tensorName() {
        return "seed";
    }

    @Override
    public List<UnconditionalImageInput> fromTensor(Tensor tensor) {
        if (tensor.rank() != 1 && !(tensor.rank() == 2 && tensor.shape()[1] == 1)) {
            throw tensor.invalid("send one noise seed per image as datatype INT64 with shape [N], got shape "
                    + Arrays.toString(tensor.shape()));
        }
        long[] seeds = tensor.longs();
        var settings = tensor.settings(Set.of("steps"));
        List<UnconditionalImageInput> out = new ArrayList<>(seeds.length);
        for (long seed : seeds) {
            out.add(fromJson(settings.deepCopy().put("seed", seed)));
        }
        return out;
    }

    @Override
    public UnconditionalImageInput fromBytes(byte[] bytes) {
        return bytes.length == 0 ? fromJson(JsonNodeFactory.instance.objectNode()) : fromUtf8Json(bytes, MAX_BYTES_CHARS);
    }

    @Override
    public TensorSpec tensorSpec() {
        return new TensorSpec(tensorName(), "int64", List.of(-1L));
    }
}
