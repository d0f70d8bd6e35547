package org.chimp.api.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.chimp.api.error.ClientErrorException;

/**
 * Turns an image into the model's input vector: optional grayscale, resize to width x height (area average when
 * shrinking, bilinear when growing), then {@code (v - mean) / std}. Training stores this record in the model
 * config and serving applies the very same code, which CHIMP's originals did not (their pre-processing differed).
 */
public record ImagePreprocessing(int width, int height, boolean grayscale, float mean, float std) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public ImagePreprocessing {
        if (width <= 0 || height <= 0 || (long) width * height > 4096 * 4096) {
            throw ClientErrorException.invalid("Preprocessing size must be positive and at most 4096x4096, got " + width + "x" + height);
        }
        if (!Float.isFinite(mean)) {
            throw ClientErrorException.invalid("Preprocessing 'mean' must be a finite number, got " + mean);
        }
        if (!(std > 0) || !Float.isFinite(std)) {
            throw ClientErrorException.invalid("Preprocessing 'std' must be positive, got " + std);
        }
    }

    /** The number of values {@link #apply} produces. */
    public int featureCount() {
        return width * height * (grayscale ? 1 : 3);
    }

    /** The model input for one image, HWC order. */
    public float[] apply(Image image) {
        Image src = grayscale ? toGray(image) : toRgb(image);
        int ch = src.channels();
        float[] out = new float[width * height * ch];
        float sx = (float) src.width() / width;
        float sy = (float) src.height() / height;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < ch; c++) {
                    float v = (sx > 1 || sy > 1) ? area(src, x * sx, y * sy, sx, sy, c) : bilinear(src, (x + 0.5f) * sx - 0.5f, (y + 0.5f) * sy - 0.5f, c);
                    out[(y * width + x) * ch + c] = (v - mean) / std;
                }
            }
        }
        return out;
    }

    /** The JSON form stored under {@code preprocessing} in a model config. */
    public ObjectNode toJson() {
        return MAPPER.valueToTree(this); // the record's components are the fields, floats kept as floats
    }

    /** Reads the JSON form, with 400s for missing or bad fields. */
    public static ImagePreprocessing fromJson(JsonNode n) {
        if (n == null || !n.isObject() || !n.path("width").canConvertToInt() || !n.path("height").canConvertToInt()
                || !n.path("width").isIntegralNumber() || !n.path("height").isIntegralNumber()
                || !(n.path("grayscale").isMissingNode() || n.path("grayscale").isBoolean())
                || !(n.path("mean").isMissingNode() || n.path("mean").isNumber())
                || !(n.path("std").isMissingNode() || n.path("std").isNumber())) {
            throw ClientErrorException.invalid("'preprocessing' must be an object with integer 'width' and 'height', "
                    + "and optional 'grayscale' (bool), 'mean' and 'std' (numbers)");
        }
        return new ImagePreprocessing(n.get("width").asInt(), n.get("height").asInt(),
                n.path("grayscale").asBoolean(true), (float) n.path("mean").asDouble(0.0), (float) n.path("std").asDouble(1.0));
    }

    private static Image toGray(Image img) {
        if (img.channels() == 1) {
            return img;
        }
        float[] g = new float[img.width() * img.height()];
        float[] p = img.pixels();
        for (int i = 0; i < g.length; i++) {
            // ITU-R BT.601 luma, the same weights OpenCV's cvtColor(BGR2GRAY) uses.
            g[i] = 0.299f * p[i * 3] + 0.587f * p[i * 3 + 1] + 0.114f * p[i * 3 + 2];
        }
        return new Image(img.width(), img.height(), 1, g);
    }

    private static Image toRgb(Image img) {
        if (img.channels() == 3) {
            return img;
        }
        float[] p = img.pixels();
        float[] rgb = new float[p.length * 3];
        for (int i = 0; i < p.length; i++) {
            rgb[i * 3] = p[i];
            rgb[i * 3 + 1] = p[i];
            rgb[i * 3 + 2] = p[i];
        }
        return new Image(img.width(), img.height(), 3, rgb);
    }

    private static float area(Image img, float x0, float y0, float sx, float sy, int c) {
        int xa = (int) Math.floor(x0);
        int ya = (int) Math.floor(y0);
        int xb = Math.min(img.width(), Math.max(xa + 1, (int) Math.ceil(x0 + sx)));
        int yb = Math.min(img.height(), Math.max(ya + 1, (int) Math.ceil(y0 + sy)));
        float sum = 0;
        int n = 0;
        for (int y = ya; y < yb; y++) {
            for (int x = xa; x < xb; x++) {
                sum += img.get(x, y, c);
                n++;
            }
        }
        return sum / n;
    }

    private static float bilinear(Image img, float fx, float fy, int c) {
        float x = Math.max(0, Math.min(img.width() - 1, fx));
        float y = Math.max(0, Math.min(img.height() - 1, fy));
        int x0 = (int) x;
        int y0 = (int) y;
        int x1 = Math.min(x0 + 1, img.width() - 1);
        int y1 = Math.min(y0 + 1, img.height() - 1);
        float dx = x - x0;
        float dy = y - y0;
        float top = img.get(x0, y0, c) * (1 - dx) + img.get(x1, y0, c) * dx;
        float bottom = img.get(x0, y1, c) * (1 - dx) + img.get(x1, y1, c) * dx;
        return top * (1 - dy) + bottom * dy;
    }
}
