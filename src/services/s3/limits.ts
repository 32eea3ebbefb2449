// Size limits of this local store (S3's own are larger: 5 GiB per PUT or part, 5 TiB per object).
export const S3_LIMITS = {
  /** Largest body of one PutObject or UploadPart, and largest object a multipart upload may assemble. */
  maxObjectBytes: 1024 * 1024 * 1024,
  /** Smallest part of a multipart upload, except the last (as S3). */
  minPartBytes: 5 * 1024 * 1024,
  maxPartNumber: 10_000,
  /** Longest key, in UTF-8 bytes (as S3). */
  maxKeyBytes: 1024,
  /** Largest XML request body (CreateBucket, CompleteMultipartUpload, DeleteObjects). */
  maxXmlBytes: 2 * 1024 * 1024,
};
