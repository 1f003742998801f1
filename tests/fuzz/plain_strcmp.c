/* See plain_strcmp.h. */
int gictlm_plain_strcmp(const char *a, const char *b);
int gictlm_plain_strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}
