#ifndef CRPCRYPTO_SHIM_H
#define CRPCRYPTO_SHIM_H
#include <openssl/evp.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#endif
