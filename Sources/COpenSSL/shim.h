// Small C shim over OpenSSL 3 for what Swift cannot import directly:
// variadic functions, function-like macros, and OSSL_PARAM_BLD arrays whose
// pointers must outlive a single call (Swift's automatic bridging does not allow that).
#ifndef GREENLEDGER_OPENSSL_SHIM_H
#define GREENLEDGER_OPENSSL_SHIM_H

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

/// A fresh P-256 key pair (EVP_PKEY_Q_keygen is variadic). NULL on failure.
static inline EVP_PKEY *gl_generate_p256(void) {
    return EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
}

/// OPENSSL_free is a macro that passes __FILE__/__LINE__.
static inline void gl_openssl_free(void *pointer) {
    OPENSSL_free(pointer);
}

/// BIO_get_mem_data is a macro over BIO_ctrl.
static inline long gl_bio_mem_contents(BIO *bio, char **contents) {
    return BIO_get_mem_data(bio, contents);
}

/// A P-256 public key from SEC1 octets (compressed or uncompressed). OpenSSL checks
/// that the point lies on the curve. The OSSL_PARAM array built here holds pointers
/// into `octets` until EVP_PKEY_fromdata returns. NULL on failure.
static inline EVP_PKEY *gl_p256_public_from_octets(const unsigned char *octets, size_t length) {
    EVP_PKEY *pkey = NULL;
    EVP_PKEY_CTX *ctx = NULL;
    OSSL_PARAM *params = NULL;
    OSSL_PARAM_BLD *builder = OSSL_PARAM_BLD_new();
    if (builder == NULL) return NULL;
    if (!OSSL_PARAM_BLD_push_utf8_string(builder, OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0)) goto done;
    if (!OSSL_PARAM_BLD_push_octet_string(builder, OSSL_PKEY_PARAM_PUB_KEY, octets, length)) goto done;
    params = OSSL_PARAM_BLD_to_param(builder);
    if (params == NULL) goto done;
    ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
    if (ctx == NULL || EVP_PKEY_fromdata_init(ctx) <= 0) goto done;
    if (EVP_PKEY_fromdata(ctx, &pkey, EVP_PKEY_PUBLIC_KEY, params) <= 0) pkey = NULL;
done:
    EVP_PKEY_CTX_free(ctx);
    OSSL_PARAM_free(params);
    OSSL_PARAM_BLD_free(builder);
    return pkey;
}

/// Refuses any passphrase prompt: an encrypted key file is an error, never a terminal prompt.
static inline int gl_no_passphrase(char *buffer, int size, int rwflag, void *userdata) {
    (void)buffer; (void)size; (void)rwflag; (void)userdata;
    return 0;
}

static inline EVP_PKEY *gl_read_private_key_pem(BIO *bio) {
    return PEM_read_bio_PrivateKey(bio, NULL, gl_no_passphrase, NULL);
}

static inline EVP_PKEY *gl_read_public_key_pem(BIO *bio) {
    return PEM_read_bio_PUBKEY(bio, NULL, gl_no_passphrase, NULL);
}

/// A self-signed X.509 v3 certificate for `pkey`, signed by it with SHA-256: the certificate
/// a validator presents on its TLS peer links. The peers pin the key to genesis and ignore
/// names and dates, so the subject is only a label and the validity generous (from an hour
/// back, for clock skew, to `seconds_valid` ahead). NULL on failure; free with X509_free.
static inline X509 *gl_self_signed_certificate(EVP_PKEY *pkey, const char *common_name, long seconds_valid) {
    X509 *certificate = X509_new();
    X509_NAME *name = NULL;
    if (certificate == NULL) return NULL;
    if (!X509_set_version(certificate, X509_VERSION_3)) goto fail;
    if (!ASN1_INTEGER_set(X509_get_serialNumber(certificate), 1)) goto fail;
    if (X509_gmtime_adj(X509_getm_notBefore(certificate), -3600) == NULL) goto fail;
    if (X509_gmtime_adj(X509_getm_notAfter(certificate), seconds_valid) == NULL) goto fail;
    if (!X509_set_pubkey(certificate, pkey)) goto fail;
    name = X509_get_subject_name(certificate);
    if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)common_name, -1, -1, 0)) goto fail;
    if (!X509_set_issuer_name(certificate, name)) goto fail;
    if (X509_sign(certificate, pkey, EVP_sha256()) <= 0) goto fail;
    return certificate;
fail:
    X509_free(certificate);
    return NULL;
}

/// An X.509 v3 certificate for `subject_key`, signed by `issuer_key` as `issuer` (NULL: self-
/// signed), for TLS on the client API: a CA (`is_ca`: basicConstraints CA:TRUE, keyCertSign)
/// or a server (serverAuth, the `subject_alt_names` given as OpenSSL's "IP:…,DNS:…" list).
/// Valid from an hour back to `seconds_valid` ahead. NULL on failure; free with X509_free.
static inline X509 *gl_issue_certificate(EVP_PKEY *subject_key, EVP_PKEY *issuer_key, X509 *issuer,
                                         const char *common_name, const char *subject_alt_names,
                                         int is_ca, long serial, long seconds_valid) {
    X509 *certificate = X509_new();
    X509_NAME *name = NULL;
    X509V3_CTX context;
    X509_EXTENSION *extension = NULL;
    const char *constraints = is_ca ? "critical,CA:TRUE" : "critical,CA:FALSE";
    const char *usage = is_ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature";
    if (certificate == NULL) return NULL;
    if (!X509_set_version(certificate, X509_VERSION_3)) goto fail;
    if (!ASN1_INTEGER_set(X509_get_serialNumber(certificate), serial)) goto fail;
    if (X509_gmtime_adj(X509_getm_notBefore(certificate), -3600) == NULL) goto fail;
    if (X509_gmtime_adj(X509_getm_notAfter(certificate), seconds_valid) == NULL) goto fail;
    if (!X509_set_pubkey(certificate, subject_key)) goto fail;
    name = X509_get_subject_name(certificate);
    if (!X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)common_name, -1, -1, 0)) goto fail;
    if (!X509_set_issuer_name(certificate, issuer ? X509_get_subject_name(issuer) : name)) goto fail;
    X509V3_set_ctx(&context, issuer ? issuer : certificate, certificate, NULL, NULL, 0);
    extension = X509V3_EXT_conf_nid(NULL, &context, NID_basic_constraints, constraints);
    if (extension == NULL || !X509_add_ext(certificate, extension, -1)) goto fail;
    X509_EXTENSION_free(extension);
    extension = X509V3_EXT_conf_nid(NULL, &context, NID_key_usage, usage);
    if (extension == NULL || !X509_add_ext(certificate, extension, -1)) goto fail;
    X509_EXTENSION_free(extension);
    extension = NULL;
    if (!is_ca) {
        extension = X509V3_EXT_conf_nid(NULL, &context, NID_ext_key_usage, "serverAuth");
        if (extension == NULL || !X509_add_ext(certificate, extension, -1)) goto fail;
        X509_EXTENSION_free(extension);
        extension = NULL;
        if (subject_alt_names != NULL) {
            extension = X509V3_EXT_conf_nid(NULL, &context, NID_subject_alt_name, subject_alt_names);
            if (extension == NULL || !X509_add_ext(certificate, extension, -1)) goto fail;
            X509_EXTENSION_free(extension);
            extension = NULL;
        }
    }
    if (X509_sign(certificate, issuer_key, EVP_sha256()) <= 0) goto fail;
    return certificate;
fail:
    X509_EXTENSION_free(extension);
    X509_free(certificate);
    return NULL;
}

/// PEM_read_bio_X509 with no passphrase callback: NULL when the PEM holds no certificate.
static inline X509 *gl_read_certificate_pem(BIO *bio) {
    return PEM_read_bio_X509(bio, NULL, gl_no_passphrase, NULL);
}

#endif
