#ifndef CLibCrypto_SHIM_H
#define CLibCrypto_SHIM_H
#include <openssl/evp.h>
#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/x509_vfy.h>
#include <openssl/pem.h>
#include <openssl/err.h>
#include <openssl/rand.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/asn1.h>
#include <openssl/objects.h>
#include <openssl/bio.h>

// Wrappers for the OpenSSL macros that Swift cannot import (function-like macros and
// compound constant expressions). Each wraps exactly one macro and adds no logic.

static inline void CLibCrypto_OPENSSL_free(void *addr) { OPENSSL_free(addr); }

static inline long CLibCrypto_BIO_get_mem_data(BIO *bio, char **data) { return BIO_get_mem_data(bio, data); }

static inline int CLibCrypto_EVP_PKEY_PUBLIC_KEY(void) { return EVP_PKEY_PUBLIC_KEY; }
static inline int CLibCrypto_EVP_PKEY_KEYPAIR(void) { return EVP_PKEY_KEYPAIR; }

static inline int CLibCrypto_MBSTRING_UTF8(void) { return MBSTRING_UTF8; }

static inline STACK_OF(X509) *CLibCrypto_sk_X509_new_null(void) { return sk_X509_new_null(); }
static inline int CLibCrypto_sk_X509_push(STACK_OF(X509) *stack, X509 *cert) { return sk_X509_push(stack, cert); }
static inline int CLibCrypto_sk_X509_num(const STACK_OF(X509) *stack) { return sk_X509_num(stack); }
static inline X509 *CLibCrypto_sk_X509_value(const STACK_OF(X509) *stack, int index) { return sk_X509_value(stack, index); }
/// Frees the stack only; the certificates in it are not freed (for stacks that borrow their elements).
static inline void CLibCrypto_sk_X509_free(STACK_OF(X509) *stack) { sk_X509_free(stack); }

static inline int CLibCrypto_sk_ASN1_OBJECT_num(const STACK_OF(ASN1_OBJECT) *stack) { return sk_ASN1_OBJECT_num(stack); }
static inline const ASN1_OBJECT *CLibCrypto_sk_ASN1_OBJECT_value(const STACK_OF(ASN1_OBJECT) *stack, int index) {
    return sk_ASN1_OBJECT_value(stack, index);
}

#endif
