package org.chimp.api.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.chimp.api.error.ClientErrors.assertClientError;
import static org.chimp.api.error.ClientErrors.assertInvalid;
import static org.chimp.api.image.TestImages.assertPixels;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageDataTypeTest {
    private final ImageDataType type = new ImageDataType();

    private static JsonNode json(String text) {
        try {
            return new ObjectMapper().readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String base64Png() {
        return Base64.getEncoder().encodeToString(TestImages.encode(TestImages.rgb(2, 1, 0xff0000, 0x00ff00), "png"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "data:image/png;base64,"})
    void base64WithAndWithoutDataUrl(String prefix) {
        Image img = type.fromJson(JsonNodeFactory.instance.textNode(prefix + base64Png()));
        assertThat(img.width()).isEqualTo(2);
        assertPixels(img, 1, 0, 0, 0, 1, 0);
    }

    @Test
    void invalidBase64Is400() {
        assertInvalid(() -> type.fromJson(JsonNodeFactory.instance.textNode("data:image/png;base64,AAAA")));
        assertInvalid(() -> type.fromJson(JsonNodeFactory.instance.textNode("A")));
    }

    @Test
    void grayPixels0To255() {
        Image img = type.fromJson(json("[[0, 51, 255], [102, 0, 0]]"));
        assertThat(img.width()).isEqualTo(3);
        assertThat(img.height()).isEqualTo(2);
        assertThat(img.channels()).isEqualTo(1);
        assertPixels(img, 0, 0.2f, 1, 0.4f, 0, 0);
    }

    @Test
    void grayPixelsAlreadyScaled() {
        assertPixels(type.fromJson(json("[[0, 0.5], [1, 0.25]]")), 0, 0.5f, 1, 0.25f);
    }

    @Test
    void wholeNumbersAreAlways0To255EvenWhenTheImageIsDark() {
        assertPixels(type.fromJson(json("[[0, 1], [1, 0]]")), 0, 1 / 255f, 1 / 255f, 0);
        // Written as fractions (as float arrays serialize), the same values are already scaled.
        assertPixels(type.fromJson(json("[[0.0, 1.0], [1.0, 0.0]]")), 0, 1, 1, 0);
        // Fractions above 1 are 0-255 too.
        assertPixels(type.fromJson(json("[[0.0, 127.5]]")), 0, 0.5f);
    }

    @Test
    void rgbPixels() {
        Image img = type.fromJson(json("[[[255, 0, 51]], [[0, 255, 0]]]"));
        assertThat(img.width()).isEqualTo(1);
        assertThat(img.height()).isEqualTo(2);
        assertThat(img.channels()).isEqualTo(3);
        assertPixels(img, 1, 0, 0.2f, 0, 1, 0);
    }

    @Test
    void rgbaDropsAlpha() {
        Image img = type.fromJson(json("[[[255, 0, 51, 7], [0, 255, 0, 255]]]"));
        assertThat(img.channels()).isEqualTo(3);
        assertPixels(img, 1, 0, 0.2f, 0, 1, 0);
    }

    @Test
    void singleChannelPixelsAreGray() {
        Image img = type.fromJson(json("[[[255], [0]]]"));
        assertThat(img.channels()).isEqualTo(1);
        assertPixels(img, 1, 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[[1, 2], [3]]", "[[1, 2], 3]", "[[[1, 2, 3], [4, 5, 6]], [[1, 2, 3]]]", "[[[1, 2, 3], [4, 5]]]",
            "[[1, 2], [3, [4]]]", "[[[1, 2, 3], 4]]"})
    void raggedIs400(String text) {
        assertInvalid(() -> type.fromJson(json(text))).isNotBlank();
    }

    @ParameterizedTest
    @ValueSource(strings = {"[[0, 256]]", "[[-1, 3]]", "[[[0, 0, 300]]]", "[[0, \"1\"]]"})
    void outOfRangeOrNonNumberIs400(String text) {
        assertInvalid(() -> type.fromJson(json(text))).contains("from 0 to 255");
    }

    @ParameterizedTest
    @ValueSource(strings = {"[1, 2, 3]", "[[[[[1]]]]]", "[[[[1, 2, 3]]]]", "[]", "[[]]", "{\"a\": 1}", "3", "null",
            "[[[1, 2]]]"})
    void wrongDepthOrShapeIs400(String text) {
        assertInvalid(() -> type.fromJson(json(text))).isNotBlank();
        assertInvalid(() -> type.fromJson(null));
    }

    @Test
    void batchOfBase64Strings() {
        String b = base64Png();
        List<Image> images = type.fromJsonBatch(json("[\"" + b + "\", \"data:image/png;base64," + b + "\"]"));
        assertThat(images).hasSize(2).allSatisfy(i -> assertThat(i.width()).isEqualTo(2));
    }

    @Test
    void batchOfGrayImages() {
        List<Image> images = type.fromJsonBatch(json("[[[0, 255], [255, 0]], [[255, 255], [0, 0]]]"));
        assertThat(images).hasSize(2);
        assertThat(images.get(0).channels()).isEqualTo(1);
        assertPixels(images.get(1), 1, 1, 0, 0);
    }

    @Test
    void batchOfColorImages() {
        List<Image> images = type.fromJsonBatch(json("[[[[255, 0, 0]]], [[[0, 0, 255]]], [[[0, 255, 0]]]]"));
        assertThat(images).hasSize(3);
        assertPixels(images.get(2), 0, 1, 0);
    }

    @Test
    void batchOfOneImage() {
        assertThat(type.fromJsonBatch(json("[[0, 255]]"))).singleElement().satisfies(i -> assertPixels(i, 0, 1));
        assertThat(type.fromJsonBatch(json("[[[0, 0, 255], [255, 0, 0]]]"))).singleElement()
                .satisfies(i -> assertThat(i.channels()).isEqualTo(3));
        assertThat(type.fromJsonBatch(JsonNodeFactory.instance.textNode(base64Png()))).hasSize(1);
    }

    @Test
    void batchErrorsAre400() {
        assertInvalid(() -> type.fromJsonBatch(null));
        assertInvalid(() -> type.fromJsonBatch(json("[[[0, 300], [0, 0]], [[0, 0], [0, 0]]]")));
    }

    @Test
    void toJsonRoundTrip() {
        Image gray = new Image(2, 1, 1, new float[] {0.2f, 1f});
        assertThat(type.toJson(gray)).isEqualTo(json("[[51, 255]]"));
        assertPixels(type.fromJson(type.toJson(gray)), gray.pixels());

        Image rgb = new Image(1, 2, 3, new float[] {1, 0, 0.2f, 0, 0.4f, 1});
        assertThat(type.toJson(rgb)).isEqualTo(json("[[[255, 0, 51]], [[0, 102, 255]]]"));
        Image back = type.fromJson(type.toJson(rgb));
        assertThat(back.width()).isEqualTo(1);
        assertThat(back.height()).isEqualTo(2);
        assertPixels(back, rgb.pixels());
    }

    @Test
    void schemaOffersBothForms() {
        assertThat(type.jsonSchema().get("oneOf")).hasSize(2);
        assertThat(type.id()).isEqualTo("image");
        assertThat(type.valueType()).isEqualTo(Image.class);
    }

    @Test
    void pixelListsBeyondTheImageLimitsAre413BeforeAllocating() {
        ImageLimits before = ImageLimits.current();
        try {
            ImageLimits.install(ImageLimits.forMaxPixels(6));
            assertClientError(413, () -> type.fromJson(json("[[0, 0, 0], [0, 0, 0], [0, 0, 0]]"))).contains("3x3");
            assertThat(type.fromJson(json("[[0, 0, 0], [0, 0, 0]]")).width()).isEqualTo(3);
        } finally {
            ImageLimits.install(before);
        }
        // A first row of many values and short other rows: refused by the row check, nothing H x W is allocated.
        StringBuilder wide = new StringBuilder("[[");
        for (int i = 0; i < 5000; i++) {
            wide.append(i == 0 ? "0" : ",0");
        }
        wide.append("]");
        for (int i = 0; i < 5000; i++) {
            wide.append(",[0]");
        }
        assertInvalid(() -> type.fromJson(json(wide + "]"))).contains("Pixel row 1 has 1 values, row 0 has 5000");
    }

    @Test
    void aBatchOverTheLimitIsRefusedBeforeAnyImageIsDecoded() {
        // The second item is a bomb: counted, never decoded.
        String bomb = Base64.getEncoder().encodeToString(PngBomb.gray(20_000, 20_000));
        assertInvalid(() -> type.fromJsonBatch(json("[\"" + base64Png() + "\", \"" + bomb + "\"]"), 1))
                .isEqualTo("At most 1 images per request, got 2; split the batch");
        assertInvalid(() -> type.fromJsonBatch(json("[[[0, 0]], [[0, 0]], [[0, 0]]]"), 2)).contains("got 3");
        assertThat(type.fromJsonBatch(json("[[[0, 0]], [[0, 0]]]"), 2)).hasSize(2);
    }

    @Test
    void errorMessagesQuoteOnlyAShortPrefixOfTheValue() {
        StringBuilder huge = new StringBuilder("[[[0, 0, 0], [0");
        for (int i = 0; i < 100_000; i++) {
            huge.append(",0");
        }
        huge.append("]]]");
        assertInvalid(() -> type.fromJson(json(huge.toString()))).hasSizeLessThan(300).contains("...");
    }
}
