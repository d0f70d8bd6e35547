package org.chimp.api.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.chimp.api.DataType;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.error.Quote;
import org.chimp.api.tensor.Tensor;

/**
 * The JSON forms of an image: a base64 string of PNG/JPEG bytes (a {@code data:} URL prefix is allowed), or
 * nested lists of pixel values, {@code [H][W]} for gray or {@code [H][W][C]} with C = 1, 3 or 4. Pixel values are
 * 0-255, unless they are written as fractions (at least one value with a decimal point, as float arrays serialize)
 * and none is above 1: then they are read as already scaled to [0, 1]. Whole numbers are always 0-255, so a dark
 * image whose values are all 0 or 1 stays dark.
 *
 * <p>As Open Inference Protocol tensors: {@code [N, H, W]} or {@code [N, H, W, C]} pixels (FP32 or UINT8, 0-255;
 * FP32 values no larger than 1 are taken as already scaled), or {@code [N]} BYTES of base64 PNG/JPEG. On chain: the
 * image file's bytes.
 */
public final class ImageDataType implements DataType<Image> {
    private static final String FORMS = "an image as a base64 PNG/JPEG string or nested pixel lists [H][W] or [H][W][C] (values 0-255)";
    private static final String TENSOR_FORMS = "one input {\"name\", \"shape\", \"datatype\", \"data\"} with shape "
            + "[N, H, W] or [N, H, W, C] (datatype FP32 or UINT8, pixels 0-255) or [N] (BYTES, base64 PNG/JPEG); models that "
            + "take preprocessed input also accept [N, F] (FP32, preprocessed features)";

    @Override
    public String id() {
        return "image";
    }

    @Override
    public Class<Image> valueType() {
        return Image.class;
    }

    @Override
    public Image fromJson(JsonNode json) {
        if (json == null || json.isNull()) {
            throw ClientErrorException.invalid("Expected " + FORMS + ", got nothing");
        }
        if (json.isTextual()) {
            return fromBase64(json.asText());
        }
        int depth = depth(json);
        if (depth == 2 || depth == 3) {
            return fromPixels(json, depth);
        }
        throw ClientErrorException.invalid("Expected " + FORMS + ", got a JSON " + describe(json));
    }

    /**
     * Reads one image or a batch: a list of base64 strings, {@code [N][H][W][C]}, or {@code [N][H][W]} (a 3-level list
     * whose innermost lists are not 1, 3 or 4 long is a batch of gray images).
     */
    public List<Image> fromJsonBatch(JsonNode json) {
        return fromJsonBatch(json, Integer.MAX_VALUE);
    }

    /**
     * Reads one image or a batch of at most {@code maxImages} (see {@link #fromJsonBatch(JsonNode)}); the count is
     * checked before any image is decoded, so an oversized batch costs nothing.
     */
    @Override
    public List<Image> fromJsonBatch(JsonNode json, int maxImages) {
        List<JsonNode> items = batchItems(json);
        if (items.size() > maxImages) {
            throw ClientErrorException.invalid("At most " + maxImages + " images per request, got " + items.size()
                    + "; split the batch");
        }
        List<Image> out = new ArrayList<>(items.size());
        items.forEach(n -> out.add(fromJson(n)));
        return out;
    }

    @Override
    public boolean isBatch(JsonNode inputs) {
        List<JsonNode> items = batchItems(inputs);
        return items.size() != 1 || items.get(0) != inputs;
    }

    private static List<JsonNode> batchItems(JsonNode json) {
        List<JsonNode> items = new ArrayList<>();
        if (json != null && json.isArray() && json.size() > 0 && json.get(0).isTextual()) {
            json.forEach(items::add);
            return items;
        }
        int depth = json == null ? 0 : depth(json);
        boolean batchOfGray = depth == 3 && !isChannelCount(json.get(0).get(0).size());
        if (depth == 4 || batchOfGray) {
            json.forEach(items::add);
        } else {
            items.add(json);
        }
        return items;
    }

    @Override
    public JsonNode toJson(Image value) {
        ArrayNode rows = JsonNodeFactory.instance.arrayNode();
        for (int y = 0; y < value.height(); y++) {
            ArrayNode row = rows.addArray();
            for (int x = 0; x < value.width(); x++) {
                if (value.channels() == 1) {
                    row.add(Math.round(value.get(x, y, 0) * 255));
                } else {
                    ArrayNode px = row.addArray();
                    for (int c = 0; c < value.channels(); c++) {
                        px.add(Math.round(value.get(x, y, c) * 255));
                    }
                }
            }
        }
        return rows;
    }

    @Override
    public JsonNode jsonSchema() {
        try {
            return new ObjectMapper().readTree("""
                {"oneOf": [
                  {"type": "string", "description": "base64 PNG or JPEG bytes, optionally as a data: URL"},
                  {"type": "array", "description": "[H][W] gray or [H][W][C] pixels, 0-255 (fractions up to 1.0: already scaled to [0, 1])",
                   "items": {"type": "array", "items": {"oneOf": [{"type": "number"},
                             {"type": "array", "items": {"type": "number"}, "minItems": 1, "maxItems": 4}]}}}
                ],
                "examples": [[[0, 255], [255, 0]]]}""");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A 2x2 gray checkerboard as pixel rows. */
    @Override
    public JsonNode example() {
        ArrayNode rows = JsonNodeFactory.instance.arrayNode();
        rows.addArray().add(0).add(255);
        rows.addArray().add(255).add(0);
        return rows;
    }

    @Override
    public List<Image> fromTensor(Tensor t) {
        String datatype = t.datatype();
        if (!List.of("FP32", "UINT8", "BYTES").contains(datatype)) {
            throw t.invalid("datatype must be FP32, UINT8 or BYTES, got " + Quote.json(JsonNodeFactory.instance.textNode(datatype)));
        }
        long[] shape = t.shape();
        boolean bytes = datatype.equals("BYTES");
        boolean rankFits = bytes ? shape.length == 1 : shape.length == 3 || shape.length == 4;
        if (!rankFits || shape.length == 4 && !isChannelCount((int) shape[3])) {
            throw t.invalid("shape " + Arrays.toString(shape) + " with datatype " + datatype + " is not supported; send "
                    + TENSOR_FORMS);
        }
        if (bytes) {
            List<JsonNode> values = t.values();
            for (int i = 0; i < values.size(); i++) {
                if (!values.get(i).isTextual()) {
                    throw t.invalidValue(i, values.get(i), "must be a base64 PNG/JPEG string (datatype BYTES)");
                }
            }
            List<Image> images = new ArrayList<>(values.size());
            values.forEach(v -> images.add(fromJson(v)));
            return images;
        }
        // Pixels: the same per-image limits as an image file's header (413), before anything is allocated.
        ImageLimits.current().check((int) shape[2], (int) shape[1]);
        return fromPixelTensor(t);
    }

    private static List<Image> fromPixelTensor(Tensor t) {
        long[] shape = t.shape();
        int n = (int) shape[0];
        int h = (int) shape[1];
        int w = (int) shape[2];
        int c = shape.length == 4 ? (int) shape[3] : 1;
        float[] px = t.floats();
        float max = 0;
        for (int i = 0; i < px.length; i++) {
            if (px[i] < 0 || px[i] > 255) {
                throw t.invalidValue(i, t.values().get(i), "is not a pixel value: pixels are numbers from 0 to 255");
            }
            max = Math.max(max, px[i]);
        }
        float scale = t.datatype().equals("UINT8") || max > 1f ? 1f / 255f : 1f;
        int outC = c == 1 ? 1 : 3;
        List<Image> images = new ArrayList<>(n);
        for (int img = 0; img < n; img++) {
            float[] dst = new float[h * w * outC];
            for (int p = 0; p < h * w; p++) {
                for (int ch = 0; ch < outC; ch++) {
                    // Alpha (C = 4) is dropped, as when decoding images.
                    dst[p * outC + ch] = px[(img * h * w + p) * c + ch] * scale;
                }
            }
            images.add(new Image(w, h, outC, dst));
        }
        return images;
    }

    /** The image file's bytes (PNG, JPEG, BMP, GIF), as on-chain jobs carry them. */
    @Override
    public Image fromBytes(byte[] bytes) {
        return Image.decode(bytes);
    }

    private static Image fromBase64(String text) {
        String b64 = text.startsWith("data:") && text.contains(",") ? text.substring(text.indexOf(',') + 1) : text;
        byte[] bytes;
        try {
            bytes = Base64.getMimeDecoder().decode(b64);
        } catch (IllegalArgumentException e) {
            throw ClientErrorException.invalid("The image string is not valid base64: " + e.getMessage(), e);
        }
        return Image.decode(bytes);
    }

    private static Image fromPixels(JsonNode rows, int depth) {
        int h = rows.size();
        int w = rows.get(0).size();
        int c = depth == 2 ? 1 : rows.get(0).get(0).size();
        if (h == 0 || w == 0 || !isChannelCount(c)) {
            throw ClientErrorException.invalid("Pixel lists must be [H][W] or [H][W][C] with C = 1, 3 or 4 and H, W > 0, got "
                    + h + "x" + w + "x" + c);
        }
        // Every row is checked before the pixels are allocated: H x W is then bounded by the values actually sent,
        // and by the same per-image limits as an image file's header.
        for (int y = 0; y < h; y++) {
            JsonNode row = rows.get(y);
            if (!row.isArray() || row.size() != w) {
                throw ClientErrorException.invalid("Pixel row " + y + " has " + (row.isArray() ? row.size() + " values" : "no list")
                        + ", row 0 has " + w + ": rows must be equally long");
            }
        }
        ImageLimits.current().check(w, h);
        int outC = c == 1 ? 1 : 3;
        float[] px = new float[h * w * outC];
        float max = 0;
        boolean fractions = false;
        for (int y = 0; y < h; y++) {
            JsonNode row = rows.get(y);
            for (int x = 0; x < w; x++) {
                JsonNode p = row.get(x);
                for (int ch = 0; ch < outC; ch++) {
                    JsonNode v = depth == 2 ? p : (p.isArray() && p.size() == c ? p.get(ch) : null);
                    if (v == null || !v.isNumber() || v.asDouble() < 0 || v.asDouble() > 255) {
                        throw ClientErrorException.invalid("Pixel (" + x + ", " + y + ") must be " + (depth == 2 ? "a number" : c + " numbers")
                                + " from 0 to 255, got " + Quote.json(p));
                    }
                    float f = (float) v.asDouble();
                    max = Math.max(max, f);
                    fractions |= v.isFloatingPointNumber();
                    px[(y * w + x) * outC + ch] = f;
                }
            }
        }
        float scale = fractions && max <= 1f ? 1f : 1f / 255f;
        for (int i = 0; i < px.length; i++) {
            px[i] *= scale;
        }
        return new Image(w, h, outC, px);
    }

    private static boolean isChannelCount(int c) {
        return c == 1 || c == 3 || c == 4;
    }

    private static int depth(JsonNode n) {
        int d = 0;
        while (n != null && n.isArray() && n.size() > 0) {
            d++;
            n = n.get(0);
        }
        return n != null && n.isNumber() ? d : -1;
    }

    private static String describe(JsonNode json) {
        return json.isArray() ? "list nested " + depth(json) + " deep" : json.getNodeType().name().toLowerCase();
    }
}
