package org.chimp.store;

import java.net.URI;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Opens the blob store a store URL names: {@code s3://bucket/prefix}, or a directory. */
public final class BlobStores {
    private static final Pattern S3_URL = Pattern.compile("s3://([^/]*)(?:/(.*))?");
    /** S3's bucket naming rules (3-63 characters, lowercase letters, digits, dots and dashes). */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    private BlobStores() {
    }

    /**
     * The store at {@code url}: {@code s3://bucket} or {@code s3://bucket/prefix} (with {@code s3} for the server),
     * a {@code file:} URL or a plain directory path; null means {@code defaultDir}. A malformed URL is an
     * IllegalArgumentException that says what a good one looks like.
     */
    public static BlobStore open(String url, Path defaultDir, S3Options s3) {
        if (url == null || url.isBlank()) {
            return new FileBlobStore(defaultDir);
        }
        if (url.startsWith("s3:")) {
            S3Location at = parseS3(url);
            S3BlobStore store = new S3BlobStore(S3BlobStore.client(s3), at.bucket(), at.prefix(), s3.partSize());
            try {
                return store.checkReachable();
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
        }
        if (url.startsWith("file:")) {
            return new FileBlobStore(Path.of(URI.create(url)));
        }
        if (url.matches("[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            throw new IllegalArgumentException("--store takes a directory or s3://bucket/prefix, got '" + url + "'");
        }
        return new FileBlobStore(Path.of(url));
    }

    /** Bucket and key prefix ("" or ending in '/') of an {@code s3://} URL. */
    record S3Location(String bucket, String prefix) {
    }

    static S3Location parseS3(String url) {
        Matcher m = S3_URL.matcher(url);
        if (!m.matches() || !BUCKET.matcher(m.group(1)).matches() || m.group(1).contains("..")) {
            throw new IllegalArgumentException("An S3 store URL looks like s3://bucket or s3://bucket/prefix, with a bucket name of 3 to 63 "
                    + "lowercase letters, digits, dots and dashes; got '" + url + "'");
        }
        String prefix = m.group(2) == null ? "" : m.group(2);
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix += "/";
        }
        try {
            BlobKeys.checkPrefix(prefix);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("The prefix of S3 store URL '" + url + "' is not usable: " + e.getMessage(), e);
        }
        return new S3Location(m.group(1), prefix);
    }
}
