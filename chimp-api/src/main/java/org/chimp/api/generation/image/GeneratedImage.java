package org.chimp.api.generation.image;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.chimp.api.RecordDataType;
import org.chimp.api.error.ClientErrorException;

/**
 * A generated image as PNG bytes, with its size and the seed that made it (so a caller who left the seed out can
 * reproduce the image). JSON: {@code {"image": "<base64 PNG>", "media_type": "image/png", "width", "height", "seed"}}.
 */
@JsonIgnoreProperties(value = "media_type", allowGetters = true)
public record GeneratedImage(@JsonProperty("image") byte[] png, int width, int height, long seed) {
    public static final String MEDIA_TYPE = "image/png";
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    private static final byte[] IHDR = {'I', 'H', 'D', 'R'};

    public static final GeneratedImageType TYPE = new GeneratedImageType(RecordDataType.of("generated-image", GeneratedImage.class, """
            {"type": "object", "required": ["image", "width", "height", "seed"],
             "properties": {
               "image": {"type": "string", "contentEncoding": "base64", "contentMediaType": "image/png"},
               "media_type": {"const": "image/png"},
               "width": {"type": "integer", "minimum": 1},
               "height": {"type": "integer", "minimum": 1},
               "seed": {"type": "integer", "description": "the noise seed that made the image"}}}
            """));

    /** Checks that the bytes are a PNG whose header declares this width and height. */
    public GeneratedImage {
        if (png == null || png.length < 24 || !Arrays.equals(png, 0, SIGNATURE.length, SIGNATURE, 0, SIGNATURE.length)
                || !Arrays.equals(png, 12, 16, IHDR, 0, 4)) {
            throw ClientErrorException.invalid("'image' must be base64 PNG bytes");
        }
        // IHDR is always the first chunk: 8 signature bytes, 4 length, "IHDR", then width and height (big-endian).
        int declaredWidth = ByteBuffer.wrap(png, 16, 4).getInt();
        int declaredHeight = ByteBuffer.wrap(png, 20, 4).getInt();
        if (width < 1 || height < 1 || declaredWidth != width || declaredHeight != height) {
            throw ClientErrorException.invalid("'width' and 'height' (" + width + "x" + height + ") must be positive and match the PNG's "
                    + declaredWidth + "x" + declaredHeight);
        }
    }

    /** Always {@value #MEDIA_TYPE}. */
    @JsonProperty("media_type")
    public String mediaType() {
        return MEDIA_TYPE;
    }
}
