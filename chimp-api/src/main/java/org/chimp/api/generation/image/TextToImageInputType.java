package org.chimp.api.generation.image;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.chimp.api.RecordDataType;
import org.chimp.api.tensor.Tensor;
import org.chimp.api.tensor.TensorSpec;
import org.chimp.api.text.Utf8;

/**
 * The text-to-image input's forms: JSON (the {@link TextToImageInput} record); an Open Inference Protocol BYTES
 * {@code [N]} tensor of prompts, the other fields ({@code negative_prompt}, {@code seed}, {@code steps},
 * {@code guidance_scale}, {@code width}, {@code height}) from its or the request's {@code parameters}; on chain
 * (ModelCategory 0): the UTF-8 prompt, or a UTF-8 JSON object of the JSON form when it starts with "{".
 */
public final class TextToImageInputType extends RecordBackedType<TextToImageInput> {
    private static final Set<String> SETTINGS = Set.of("negative_prompt", "seed", "steps", "guidance_scale", "guidance",
            "width", "height");
    /** Room for both prompts and the numbers of the JSON form. */
    private static final int MAX_BYTES_CHARS = 2 * TextToImageInput.MAX_PROMPT_CHARS + 1000;

    TextToImageInputType(RecordDataType<TextToImageInput> json) {
        super(json);
    }

    @Override
    public String tensorName() {
        return "prompt";
    }

    @Override
    public List<TextToImageInput> fromTensor(Tensor tensor) {
        List<String> prompts = tensor.strings("a prompt");
        ObjectNode settings = tensor.settings(SETTINGS);
        List<TextToImageInput> out = new ArrayList<>(prompts.size());
        prompts.forEach(p -> out.add(fromJson(settings.deepCopy().put("prompt", p))));
        return out;
    }

    @Override
    public TextToImageInput fromBytes(byte[] bytes) {
        if (bytes.length > 0 && bytes[0] == '{') {
            return fromUtf8Json(bytes, MAX_BYTES_CHARS);
        }
        return new TextToImageInput(Utf8.decode(bytes, "The prompt", TextToImageInput.MAX_PROMPT_CHARS), null, null, null, null,
                null, null);
    }

    @Override
    public TensorSpec tensorSpec() {
        return new TensorSpec(tensorName(), "str", List.of(-1L));
    }
}
