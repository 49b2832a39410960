"""Accounts API: tokens, the current user, workspaces and their members."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Role
from apps.accounts.selectors import (
    membership_list,
    workspace_get_with_role,
    workspace_list_for_user,
)
from apps.accounts.services import (
    auth_token_obtain,
    membership_invite,
    membership_remove,
    membership_role_update,
    workspace_create,
)
from apps.common.api import request_user
from apps.common.openapi import ERROR_REF


def _display_name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(source="key")


class TokenObtainApi(APIView):
    """POST {username, password} → {token}, for scripts."""

    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    # Failed tries are counted per address and per username by the sign-in throttle (axes).
    throttle_classes: list[type] = []

    class TokenObtainInput(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=512, trim_whitespace=False)

    @extend_schema(
        request=TokenObtainInput,
        responses={
            200: TokenSerializer,
            429: OpenApiResponse(
                ERROR_REF,
                description="Too many failed sign-ins from this address or for this username; "
                "`Retry-After`-long cool-off.",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        data = self.TokenObtainInput(data=request.data)
        data.is_valid(raise_exception=True)
        token = auth_token_obtain(
            request=request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
        )
        return Response(TokenSerializer(token).data)


class MeApi(APIView):
    class MeOutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField()
        email = serializers.CharField()
        display_name = serializers.SerializerMethodField()

        def get_display_name(self, user: Any) -> str:
            return _display_name(user)

    @extend_schema(responses=MeOutputSerializer)
    def get(self, request: Request) -> Response:
        return Response(self.MeOutputSerializer(request_user(request)).data)


class WorkspaceOutputSerializer(serializers.Serializer):
    """A workspace you belong to, with your role in it."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    slug = serializers.CharField()
    role = serializers.ChoiceField(choices=Role.choices)
    created_at = serializers.DateTimeField()


class WorkspaceListApi(APIView):
    class WorkspaceCreateInput(serializers.Serializer):
        name = serializers.CharField(max_length=120)

    @extend_schema(responses=WorkspaceOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        workspaces = workspace_list_for_user(user=request_user(request))
        return Response(WorkspaceOutputSerializer(workspaces, many=True).data)

    @extend_schema(request=WorkspaceCreateInput, responses={201: WorkspaceOutputSerializer})
    def post(self, request: Request) -> Response:
        data = self.WorkspaceCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = request_user(request)
        workspace = workspace_create(name=data.validated_data["name"], owner=user)
        created = workspace_get_with_role(user=user, workspace_id=workspace.pk)
        return Response(WorkspaceOutputSerializer(created).data, status=201)


class WorkspaceDetailApi(APIView):
    @extend_schema(responses=WorkspaceOutputSerializer)
    def get(self, request: Request, workspace_id: int) -> Response:
        workspace = workspace_get_with_role(user=request_user(request), workspace_id=workspace_id)
        return Response(WorkspaceOutputSerializer(workspace).data)


class MemberOutputSerializer(serializers.Serializer):
    """A workspace member; `email` is null unless you are that member or the owner who added them
    by that address."""

    id = serializers.IntegerField()
    user_id = serializers.IntegerField()
    username = serializers.CharField(source="user.username")
    display_name = serializers.SerializerMethodField()
    email = serializers.CharField(
        source="visible_email",
        allow_null=True,
        help_text="Shown only to the member themself and to the owner who added them by it.",
    )
    role = serializers.ChoiceField(choices=Role.choices)

    def get_display_name(self, membership: Any) -> str:
        return _display_name(membership.user)


class MemberListApi(APIView):
    class MemberInviteInput(serializers.Serializer):
        user = serializers.CharField(max_length=254, help_text="username or email")
        role = serializers.ChoiceField(choices=Role.choices, default=Role.VIEWER)

    @extend_schema(responses=MemberOutputSerializer(many=True))
    def get(self, request: Request, workspace_id: int) -> Response:
        members = membership_list(user=request_user(request), workspace_id=workspace_id)
        return Response(MemberOutputSerializer(members, many=True).data)

    @extend_schema(
        request=MemberInviteInput, responses={201: MemberOutputSerializer, 409: ERROR_REF}
    )
    def post(self, request: Request, workspace_id: int) -> Response:
        data = self.MemberInviteInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership = membership_invite(
            user=request_user(request),
            workspace_id=workspace_id,
            identifier=data.validated_data["user"],
            role=data.validated_data["role"],
        )
        return Response(MemberOutputSerializer(membership).data, status=201)


class MemberDetailApi(APIView):
    class MemberRoleInput(serializers.Serializer):
        role = serializers.ChoiceField(choices=Role.choices)

    @extend_schema(request=MemberRoleInput, responses={200: MemberOutputSerializer, 409: ERROR_REF})
    def patch(self, request: Request, workspace_id: int, membership_id: int) -> Response:
        data = self.MemberRoleInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership = membership_role_update(
            user=request_user(request),
            workspace_id=workspace_id,
            membership_id=membership_id,
            role=data.validated_data["role"],
        )
        return Response(MemberOutputSerializer(membership).data)

    @extend_schema(responses={204: None, 409: ERROR_REF})
    def delete(self, request: Request, workspace_id: int, membership_id: int) -> Response:
        membership_remove(
            user=request_user(request), workspace_id=workspace_id, membership_id=membership_id
        )
        return Response(status=204)
