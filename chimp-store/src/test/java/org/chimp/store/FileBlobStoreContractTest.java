package org.chimp.store;

/** The blob store contract over a directory. */
class FileBlobStoreContractTest extends BlobStoreContract {
    @Override
    BlobStore store() {
        return new FileBlobStore(tmp.resolve("store"));
    }
}
