package org.chimp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlobStoresTest {
    @TempDir
    Path tmp;

    @Test
    void s3UrlsNameABucketAndAPrefix() {
        assertThat(BlobStores.parseS3("s3://chimp-data")).isEqualTo(new BlobStores.S3Location("chimp-data", ""));
        assertThat(BlobStores.parseS3("s3://chimp-data/")).isEqualTo(new BlobStores.S3Location("chimp-data", ""));
        assertThat(BlobStores.parseS3("s3://chimp.data/team/prod")).isEqualTo(new BlobStores.S3Location("chimp.data", "team/prod/"));
        assertThat(BlobStores.parseS3("s3://b12/a/")).isEqualTo(new BlobStores.S3Location("b12", "a/"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"s3://", "s3:bucket", "s3://UPPER", "s3://ab", "s3://-bucket", "s3://bu..cket", "s3://bucket/../x",
            "s3://bucket//x", "s3://bucket/a\\b", "s3://bucket:9000/x", "s3://bucket?x=1"})
    void badS3UrlsSayWhatAGoodOneLooksLike(String url) {
        assertThatThrownBy(() -> BlobStores.open(url, tmp, S3Options.defaults())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("s3://bucket");
    }

    @Test
    void directoriesAndFileUrlsAreFileStores() {
        assertThat(BlobStores.open(null, tmp.resolve("default"), S3Options.defaults())).isInstanceOf(FileBlobStore.class);
        assertThat(((FileBlobStore) BlobStores.open(tmp.resolve("d").toString(), tmp, S3Options.defaults())).root()).isEqualTo(tmp.resolve("d"));
        assertThat(((FileBlobStore) BlobStores.open(tmp.resolve("f").toUri().toString(), tmp, S3Options.defaults())).root()).isEqualTo(tmp.resolve("f"));
        assertThatThrownBy(() -> BlobStores.open("gs://bucket", tmp, S3Options.defaults())).hasMessageContaining("s3://bucket/prefix");
    }

    @Test
    void s3OptionsAreChecked() {
        assertThat(S3Options.of(" http://127.0.0.1:9000 ", "eu-west-1", "true"))
                .isEqualTo(new S3Options(java.net.URI.create("http://127.0.0.1:9000"), "eu-west-1", true, S3Options.DEFAULT_PART_SIZE, 5));
        assertThat(S3Options.of(null, "", null)).isEqualTo(S3Options.defaults());
        assertThatThrownBy(() -> S3Options.of("ftp://x", null, null)).hasMessageContaining("http://");
        assertThatThrownBy(() -> S3Options.of("not a url", null, null)).hasMessageContaining("http://");
        assertThatThrownBy(() -> S3Options.of("127.0.0.1:9000", null, null)).hasMessageContaining("http://");
        assertThatThrownBy(() -> S3Options.of(null, "EU WEST", null)).hasMessageContaining("us-east-1");
        assertThatThrownBy(() -> S3Options.of(null, null, "yes")).hasMessageContaining("'true' or 'false'");
        assertThatThrownBy(() -> S3Options.defaults().withPartSize(1 << 20)).hasMessageContaining("5 MiB");
    }
}
