/* SPDX-License-Identifier: ISC */
/*
 * step-package-lint.h: what `keyrite lint' checks about a package step's
 * wrapping profile (byok-profile.h): the profile exists, the wrapping-key
 * size (kek_bits) is one it allows, and every key a generate-key step of
 * the same ident can make is one the profile's service takes.  A value that
 * is a ${choice parameter} is checked choice by choice; each error is at
 * the line and column of the offending value.
 *
 * step_vault_import_lint_key_type() does the same for a service import
 * (vault-import with a profile): every key type its `key_type' can name
 * must be a known one that the profile's service takes.
 */
#ifndef KR_STEP_PACKAGE_LINT_H
#define KR_STEP_PACKAGE_LINT_H

struct ceremony;
struct ceremony_step;
struct diag_list;

void	step_package_lint_profile(const struct ceremony *c,
	    const struct ceremony_step *s, struct diag_list *dl);

void	step_vault_import_lint_key_type(const struct ceremony *c,
	    const struct ceremony_step *s, struct diag_list *dl);

#endif
