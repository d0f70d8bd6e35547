package org.chimp.api.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.chimp.api.DataType;
import org.chimp.api.error.ClientErrorException;
import org.chimp.api.error.Quote;

/**
 * The JSON forms of an image: a base64 string of PNG/JPEG bytes (a {@code data:} URL prefix is allowed), or
 * nested lists of pixel values, {@code [H][W]} for gray or {@code [H][W][C]} with C = 1, 3 or 4. Pixel values are
 * 0-255, unless they are written as fractions (at least one value with a decimal point, as float arrays serialize)
 * and none is above 1: then they are read as already scaled to [0, 1]. Whole numbers are always 0-255, so a dark
 * image whose values are all 0 or 1 stays dark.
 */
public final class ImageDataType implements DataType<Image> {
    private static final String FORMS = "an image as a base64 PNG/JPEG string or nested pixel lists [H][W] or [H][W][C] (values 0-255)";

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
