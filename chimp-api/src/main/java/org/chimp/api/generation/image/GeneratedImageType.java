package org.chimp.api.generation.image;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Base64;
import java.util.List;
import org.chimp.api.RecordDataType;
import org.chimp.api.tensor.Tensor;
import org.chimp.api.tensor.TensorSpec;

/**
 * The generated image's forms: JSON (the {@link GeneratedImage} record, base64 PNG); an Open Inference Protocol BYTES
 * {@code [N]} tensor of base64 PNGs (compact, and the size is in each PNG's header); on chain: the PNG bytes.
 */
public final class GeneratedImageType extends RecordBackedType<GeneratedImage> {
    GeneratedImageType(RecordDataType<GeneratedImage> json) {
        super(json);
    }

    @Override
    public String tensorName() {
        return "image";
    }

    @Override
    public Tensor toTensor(String name, List<GeneratedImage> values) {
        ArrayNode data = JsonNodeFactory.instance.arrayNode(values.size());
        values.forEach(v -> data.add(Base64.getEncoder().encodeToString(v.png())));
        return Tensor.of(name, "BYTES", new long[] {values.size()}, data);
    }

    @Override
    public byte[] toBytes(GeneratedImage value) {
        return value.png();
    }

    @Override
    public TensorSpec tensorSpec() {
        return new TensorSpec(tensorName(), "str", List.of(-1L));
    }
}
