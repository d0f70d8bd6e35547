package org.chimp.api.embedding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.chimp.api.DataType;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.error.Quote;
import org.chimp.api.image.Image;
import org.chimp.api.image.ImageDataType;
import org.chimp.api.tensor.Tensor;
import org.chimp.api.tensor.TensorSpec;
import org.chimp.api.text.TextsDataType;

/**
 * JSON form: {@code {"texts": ["a photo of a chimp", ...], "images": ["<base64 PNG/JPEG>", ...]}}, either part
 * optional. Texts follow {@link TextsDataType}'s rules and bounds; images {@link ImageDataType}'s, at most
 * {@value #MAX_IMAGES} per request, counted before any is decoded. As an Open Inference Protocol input, one tensor
 * holds either kind: BYTES {@code [N]} texts, or, when the tensor's name starts with {@code image} or it holds pixels
 * (FP32/UINT8 {@code [N, H, W(, C)]}), images in {@link ImageDataType}'s tensor forms. Its N items are one value
 * (embedded together), so the answer is the N vectors.
 */
public final class TextsAndImagesDataType implements DataType<TextsAndImages> {
    /** The most images one request may carry. */
    public static final int MAX_IMAGES = 32;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final TextsDataType texts = new TextsDataType();
    private final ImageDataType image = new ImageDataType();

    @Override
    public String id() {
        return "texts-and-images";
    }

    @Override
    public Class<TextsAndImages> valueType() {
        return TextsAndImages.class;
    }

    @Override
    public TextsAndImages fromJson(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw ClientErrorException.invalid("Expected {\"texts\": [...], \"images\": [...]} (either may be left out), got " + Quote.json(json));
        }
        for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!name.equals("texts") && !name.equals("images")) {
                throw ClientErrorException.invalid("Unknown field " + Quote.json(MAPPER.getNodeFactory().textNode(name))
                        + "; send \"texts\" and/or \"images\"");
            }
        }
        JsonNode t = json.get("texts");
        List<String> textList = t == null || t.isNull() || (t.isArray() && t.isEmpty()) ? List.of() : texts.fromJson(t).values();
        JsonNode i = json.get("images");
        List<Image> images = new ArrayList<>();
        if (i != null && !i.isNull()) {
            if (!i.isArray()) {
                throw ClientErrorException.invalid("\"images\" must be a list of images (base64 PNG/JPEG strings or pixel lists), got "
                        + Quote.json(i));
            }
            if (i.size() > MAX_IMAGES) {
                throw ClientErrorException.invalid("At most " + MAX_IMAGES + " images per request, got " + i.size() + "; split the list");
            }
            i.forEach(n -> images.add(image.fromJson(n)));
        }
        return new TextsAndImages(textList, images);
    }

    @Override
    public List<TextsAndImages> fromTensor(Tensor tensor) {
        boolean images = !tensor.datatype().equals("BYTES") || (tensor.name() != null && tensor.name().startsWith("image"));
        if (!images) {
            List<String> values = tensor.strings("a text (name the tensor \"images\" to send base64 images)");
            for (int i = 0; i < values.size(); i++) {
                TextsDataType.check(values.get(i), i);
            }
            return List.of(new TextsAndImages(values, List.of()));
        }
        if (tensor.batch() > MAX_IMAGES) {
            throw tensor.invalid("at most " + MAX_IMAGES + " images per request, got " + tensor.batch() + "; split the batch");
        }
        return List.of(new TextsAndImages(List.of(), image.fromTensor(tensor)));
    }

    @Override
    public JsonNode toJson(TextsAndImages value) {
        ObjectNode n = MAPPER.createObjectNode();
        ArrayNode t = n.putArray("texts");
        value.texts().forEach(t::add);
        ArrayNode i = n.putArray("images");
        value.images().forEach(img -> i.add(image.toJson(img)));
        return n;
    }

    @Override
    public JsonNode jsonSchema() {
        ObjectNode s = MAPPER.createObjectNode().put("type", "object").put("additionalProperties", false);
        ObjectNode p = s.putObject("properties");
        p.set("texts", texts.jsonSchema().deepCopy());
        ((ObjectNode) p.get("texts")).remove("examples");
        ObjectNode images = p.putObject("images").put("type", "array").put("maxItems", MAX_IMAGES);
        images.set("items", image.jsonSchema().deepCopy());
        ((ObjectNode) images.get("items")).remove("examples");
        // A 2x2 gray image as pixel lists (a base64 PNG works the same), black on the left, white on the right.
        ObjectNode example = s.putArray("examples").addObject();
        example.putArray("texts").add("a dark picture").add("a bright picture");
        example.putArray("images").addArray().add(MAPPER.createArrayNode().add(0).add(255)).add(MAPPER.createArrayNode().add(0).add(255));
        return s;
    }

    @Override
    public TensorSpec tensorSpec() {
        return new TensorSpec("texts", "str", List.of(-1L));
    }
}
