package org.chimp.store;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.Delete;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Blobs as objects of an S3 bucket (AWS, MinIO, Ceph, Garage, s3proxy), under a key prefix. Every write streams:
 * an object of up to one part is held in memory once, a larger one goes up as a multipart upload one part at a time
 * and becomes visible only when the upload completes, so readers never see a partial object.
 *
 * <p>Integrity: the sha256 of every object is computed while it is sent and stored in its metadata
 * ({@code x-amz-meta-chimp-sha256}); a write that was promised a hash is aborted before it becomes visible if the
 * bytes differ; each request's ETag is checked against the MD5 of what was sent (when the server's ETag is an MD5);
 * and a read checks the bytes against the stored sha256 when it reaches the end. A write without a promised hash
 * that is larger than one part is spooled to a local temporary file first, since S3 takes metadata only at the
 * start of an upload. Throttling (503 SlowDown) and failed connections are retried by the SDK's standard strategy.
 */
public final class S3BlobStore implements BlobStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(S3BlobStore.class);
    /** User metadata key; S3 sends it as the header x-amz-meta-chimp-sha256. */
    static final String SHA256_META = "chimp-sha256";
    private static final Pattern MD5_ETAG = Pattern.compile("\"?[0-9a-fA-F]{32}\"?");
    private static final int DELETE_BATCH = 1000;
    /** Times a read that breaks mid-object is resumed. */
    static final int READ_RESUMES = 3;
    /** Parts of one multipart upload sent at once. */
    static final int PARTS_IN_FLIGHT = 3;

    private final S3Client s3;
    private final String bucket;
    private final String root;
    private final int partSize;
    /** Threads sending parts of multipart uploads; created on first use. */
    private ExecutorService partPool;

    /**
     * @param s3       the client (closed with this store)
     * @param bucket   an existing bucket
     * @param root     key prefix of every object, "" or ending in '/'
     * @param partSize objects larger than this are sent in parts of this size
     */
    public S3BlobStore(S3Client s3, String bucket, String root, int partSize) {
        if (partSize < S3Options.MIN_PART_SIZE) {
            throw new IllegalArgumentException("S3 parts are at least 5 MiB, got " + partSize);
        }
        this.s3 = s3;
        this.bucket = bucket;
        this.root = BlobKeys.checkPrefix(root);
        if (!root.isEmpty() && !root.endsWith("/")) {
            throw new IllegalArgumentException("The S3 key prefix must be empty or end in '/', got '" + root + "'");
        }
        this.partSize = partSize;
    }

    /** A client for the options, with the SDK's default credential chain and standard retries. */
    public static S3Client client(S3Options o) {
        return client(o, DefaultCredentialsProvider.builder().build());
    }

    /** A client with the given credentials (tests, tools that hold their own keys). */
    public static S3Client client(S3Options o, AwsCredentialsProvider credentials) {
        S3ClientBuilder b = S3Client.builder()
                .httpClient(Apache5HttpClient.builder().maxConnections(64).build())
                .region(region(o))
                .forcePathStyle(o.pathStyle())
                .credentialsProvider(credentials)
                // The SDK's default CRC trailers (aws-chunked bodies) are not understood by every S3-compatible server;
                // integrity is checked by this class instead (sha256 end to end, MD5 ETags per request).
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                        .maxAttempts(o.maxAttempts()).build()));
        if (o.endpoint() != null) {
            b.endpointOverride(o.endpoint());
        }
        return b.build();
    }

    private static Region region(S3Options o) {
        if (o.region() != null) {
            return Region.of(o.region());
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkException e) {
            // Self-hosted servers mostly ignore the region; AWS users set AWS_REGION or --s3-region.
            return Region.US_EAST_1;
        }
    }

    /**
     * Checks at start that the bucket can be reached with these credentials, so a wrong bucket, endpoint or key is
     * one clear error when the node starts rather than a failure at the first upload.
     */
    public S3BlobStore checkReachable() {
        try {
            s3.headBucket(r -> r.bucket(bucket));
            return this;
        } catch (S3Exception e) {
            String why = switch (e.statusCode()) {
                case 404 -> "the bucket does not exist: create it first";
                case 301, 400 -> "the bucket is in another region: set --s3-region (CHIMP_S3_REGION)";
                case 401, 403 -> "access denied: check AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE";
                default -> "status " + e.statusCode();
            };
            throw new IllegalStateException("Cannot use the store " + location() + ": " + why, e);
        } catch (SdkException e) {
            throw new IllegalStateException("Cannot reach the store " + location() + ": " + e.getMessage()
                    + " (check --s3-endpoint and the credentials: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or AWS_PROFILE)", e);
        }
    }

    /** Where this store is, for messages: {@code s3://bucket/prefix}. */
    public String location() {
        return "s3://" + bucket + "/" + root;
    }

    @Override
    public void put(String key, InputStream content) throws IOException {
        String k = objectKey(key);
        byte[] first = readUpTo(content, partSize);
        if (first.length < partSize) {
            putSingle(k, first, first.length, Sha256.hex(first));
            return;
        }
        // Larger than one part and no hash promised: learn the hash first, on local disk, not in memory.
        Path spool = Files.createTempFile("chimp-s3-", ".part");
        try {
            MessageDigest md = Sha256.digest();
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(spool), md)) {
                out.write(first);
                content.transferTo(out);
            }
            String sha = HexFormat.of().formatHex(md.digest());
            try (InputStream in = Files.newInputStream(spool)) {
                putVerified(k, key, in, sha);
            }
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    @Override
    public void put(String key, InputStream content, String sha256) throws IOException {
        putVerified(objectKey(key), key, content, sha256);
    }

    private void putVerified(String k, String key, InputStream content, String sha256) throws IOException {
        byte[] first = readUpTo(content, partSize);
        if (first.length < partSize) {
            String actual = Sha256.hex(first);
            if (!actual.equals(sha256)) {
                throw Sha256.mismatch(key, sha256, actual);
            }
            putSingle(k, first, first.length, sha256);
        } else {
            putMultipart(k, key, first, content, sha256);
        }
    }

    private void putSingle(String k, byte[] bytes, int length, String sha256) throws IOException {
        try {
            String etag = s3.putObject(r -> r.bucket(bucket).key(k).contentLength((long) length).metadata(Map.of(SHA256_META, sha256)),
                    body(bytes, length)).eTag();
            checkEtag(k, etag, md5(bytes, length));
        } catch (SdkException e) {
            throw failure("store", k, e);
        }
    }

    /**
     * Up to {@link #PARTS_IN_FLIGHT} parts are sent at once (each in its own buffer, so at most that many plus one
     * parts are in memory); the upload is completed only if the whole stream hashed to {@code sha256}, and aborted on
     * any failure, so nothing is visible under the key unless all of it arrived intact.
     */
    private void putMultipart(String k, String key, byte[] first, InputStream rest, String sha256) throws IOException {
        String uploadId;
        try {
            uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(k).metadata(Map.of(SHA256_META, sha256))).uploadId();
        } catch (SdkException e) {
            throw failure("start an upload of", k, e);
        }
        boolean done = false;
        List<Future<CompletedPart>> parts = new ArrayList<>();
        Semaphore inFlight = new Semaphore(PARTS_IN_FLIGHT);
        try {
            MessageDigest whole = Sha256.digest();
            byte[] buf = first;
            int length = first.length;
            while (length > 0) {
                if (parts.size() == S3Options.MAX_PARTS) {
                    throw new IOException("Object " + key + " is larger than " + S3Options.MAX_PARTS + " parts of " + partSize
                            + " bytes; raise the part size");
                }
                whole.update(buf, 0, length);
                int number = parts.size() + 1;
                byte[] data = buf;
                int size = length;
                inFlight.acquire();
                parts.add(partPool().submit(() -> {
                    try {
                        String etag = s3.uploadPart(r -> r.bucket(bucket).key(k).uploadId(uploadId).partNumber(number)
                                .contentLength((long) size), body(data, size)).eTag();
                        checkEtag(k, etag, md5(data, size));
                        return CompletedPart.builder().partNumber(number).eTag(etag).build();
                    } finally {
                        inFlight.release();
                    }
                }));
                buf = new byte[partSize];
                length = readFully(rest, buf);
            }
            String actual = HexFormat.of().formatHex(whole.digest());
            if (!actual.equals(sha256)) {
                throw Sha256.mismatch(key, sha256, actual);
            }
            List<CompletedPart> completed = new ArrayList<>();
            for (Future<CompletedPart> f : parts) {
                completed.add(f.get());
            }
            s3.completeMultipartUpload(r -> r.bucket(bucket).key(k).uploadId(uploadId).multipartUpload(u -> u.parts(completed)));
            done = true;
        } catch (SdkException e) {
            throw failure("store", k, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while storing " + key, e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SdkException sdk) {
                throw failure("store", k, sdk);
            }
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IOException("Cannot store " + key + ": " + e.getCause(), e.getCause());
        } finally {
            if (!done) {
                parts.forEach(f -> f.cancel(true));
                abort(k, uploadId);
            }
        }
    }

    private synchronized ExecutorService partPool() {
        if (partPool == null) {
            AtomicInteger n = new AtomicInteger();
            partPool = Executors.newCachedThreadPool(r -> {
                Thread t = new Thread(r, "chimp-s3-part-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return partPool;
    }

    private void abort(String k, String uploadId) {
        try {
            s3.abortMultipartUpload(r -> r.bucket(bucket).key(k).uploadId(uploadId));
        } catch (SdkException e) {
            LOG.warn("Could not abort the multipart upload {} of {} (a bucket lifecycle rule for incomplete uploads removes it): {}",
                    uploadId, k, e.toString());
        }
    }

    @Override
    public InputStream get(String key) throws IOException {
        String k = objectKey(key);
        ResponseInputStream<GetObjectResponse> in;
        try {
            in = s3.getObject(r -> r.bucket(bucket).key(k));
        } catch (NoSuchKeyException e) {
            throw new NoSuchFileException(key);
        } catch (SdkException e) {
            throw failure("read", k, e);
        }
        String sha = in.response().metadata().get(SHA256_META);
        InputStream body = new Resuming(k, in, in.response().eTag());
        // Objects written by other tools carry no hash: they are read as they are.
        return sha == null ? body : Sha256.verifying(body, sha, key);
    }

    /**
     * An object's body that survives a connection cut mid-read: it asks for the rest ({@code Range: bytes=<read>-},
     * only if the object is still the same one, by ETag) up to {@link #READ_RESUMES} times. The SDK retries whole
     * requests, not a body that breaks after its headers arrived.
     */
    private final class Resuming extends InputStream {
        private final String k;
        private final String etag;
        private InputStream current;
        private long position;
        private int resumes;

        Resuming(String k, InputStream first, String etag) {
            this.k = k;
            this.current = first;
            this.etag = etag;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            while (true) {
                try {
                    int n = current.read(b, off, len);
                    if (n > 0) {
                        position += n;
                    }
                    return n;
                } catch (IOException e) {
                    if (resumes++ >= READ_RESUMES || etag == null) {
                        throw e;
                    }
                    LOG.debug("Reading {} broke at byte {} ({}); asking for the rest", k, position, e.toString());
                    try {
                        current.close();
                    } catch (IOException ignored) {
                        // The connection is already broken.
                    }
                    try {
                        current = s3.getObject(r -> r.bucket(bucket).key(k).range("bytes=" + position + "-").ifMatch(etag));
                    } catch (SdkException again) {
                        e.addSuppressed(again);
                        throw e;
                    }
                }
            }
        }

        @Override
        public void close() throws IOException {
            current.close();
        }
    }

    @Override
    public boolean exists(String key) throws IOException {
        String k = objectKey(key);
        try {
            s3.headObject(r -> r.bucket(bucket).key(k));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw failure("look up", k, e);
        } catch (SdkException e) {
            throw failure("look up", k, e);
        }
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        String p = root + BlobKeys.checkPrefix(prefix);
        try {
            List<String> keys = new ArrayList<>();
            for (S3Object o : s3.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(p)).contents()) {
                keys.add(o.key().substring(root.length()));
            }
            keys.sort(null);
            return keys;
        } catch (SdkException e) {
            throw failure("list", p, e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        String k = objectKey(key);
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(k));
        } catch (NoSuchKeyException e) {
            // Already gone.
        } catch (SdkException e) {
            throw failure("delete", k, e);
        }
    }

    /** Deletes the objects in batches of 1000, and aborts multipart uploads that were interrupted under the prefix. */
    @Override
    public void deleteAll(String prefix) throws IOException {
        if (!BlobKeys.checkPrefix(prefix).endsWith("/")) {
            throw new IllegalArgumentException("deleteAll takes a folder prefix ending in '/', got '" + prefix + "'");
        }
        List<String> keys = list(prefix);
        try {
            for (int i = 0; i < keys.size(); i += DELETE_BATCH) {
                List<ObjectIdentifier> batch = keys.subList(i, Math.min(keys.size(), i + DELETE_BATCH)).stream()
                        .map(key -> ObjectIdentifier.builder().key(root + key).build()).toList();
                var errors = s3.deleteObjects(r -> r.bucket(bucket).delete(Delete.builder().objects(batch).quiet(true).build())).errors();
                if (!errors.isEmpty()) {
                    throw new IOException("Could not delete " + errors.size() + " objects under " + root + prefix + ", first "
                            + errors.get(0).key() + ": " + errors.get(0).message());
                }
            }
        } catch (SdkException e) {
            throw failure("delete under", root + prefix, e);
        }
        abortUploads(root + prefix);
    }

    @Override
    public void deletePartials(String prefix, java.time.Instant before) {
        abortUploads(root + BlobKeys.checkPrefix(prefix), before);
    }

    private void abortUploads(String p) {
        abortUploads(p, java.time.Instant.MAX);
    }

    private void abortUploads(String p, java.time.Instant before) {
        try {
            for (MultipartUpload u : s3.listMultipartUploadsPaginator(r -> r.bucket(bucket).prefix(p)).uploads()) {
                if (u.initiated() == null || u.initiated().isBefore(before)) {
                    abort(u.key(), u.uploadId());
                }
            }
        } catch (S3Exception e) {
            // Some S3-compatible servers do not list uploads (501): their lifecycle rules remove stale ones.
            LOG.debug("Could not list the multipart uploads under {}: {}", p, e.toString());
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (partPool != null) {
                partPool.shutdownNow();
            }
        }
        s3.close();
    }

    private String objectKey(String key) {
        return root + BlobKeys.check(key);
    }

    private static RequestBody body(byte[] bytes, int length) {
        // A provider, not fromBytes: no copy of the part, and a fresh stream for every retry.
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(bytes, 0, length), length, "application/octet-stream");
    }

    private static void checkEtag(String k, String etag, String md5) throws IOException {
        // Servers that encrypt with KMS or use their own ETags give no MD5: then only the sha256 checks hold.
        if (etag != null && MD5_ETAG.matcher(etag).matches() && !etag.replace("\"", "").equalsIgnoreCase(md5)) {
            throw new IOException("The S3 server stored different bytes for " + k + " than were sent (ETag " + etag
                    + ", MD5 of the bytes sent " + md5 + ")");
        }
    }

    private static String md5(byte[] bytes, int length) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            md.update(bytes, 0, length);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every Java runtime has MD5", e);
        }
    }

    private IOException failure(String what, String k, SdkException e) {
        String code = e instanceof S3Exception s && s.awsErrorDetails() != null && s.awsErrorDetails().errorCode() != null
                ? s.awsErrorDetails().errorCode() + ": " : "";
        return new IOException("Cannot " + what + " s3://" + bucket + "/" + k + ": " + code + e.getMessage(), e);
    }

    /** Up to {@code limit} bytes; fewer only at the end of the stream. Grows as it reads, so small objects stay small. */
    static byte[] readUpTo(InputStream in, int limit) throws IOException {
        byte[] buf = new byte[Math.min(limit, 64 * 1024)];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                if (n == limit) {
                    return buf;
                }
                buf = Arrays.copyOf(buf, (int) Math.min((long) limit, 2L * buf.length));
            }
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                return n == buf.length ? buf : Arrays.copyOf(buf, n);
            }
            n += r;
        }
    }

    /** Fills the buffer unless the stream ends first; returns the number of bytes read. */
    private static int readFully(InputStream in, byte[] buf) throws IOException {
        int n = 0;
        for (int r; n < buf.length && (r = in.read(buf, n, buf.length - n)) >= 0; ) {
            n += r;
        }
        return n;
    }
}
